"""A bar or column chart as DrawingML chart XML (the chart part of a Word document).

The report's charts are native charts, not pictures: Word and LibreOffice draw them with the
document's own fonts (so Arabic and Chinese labels need nothing more), the assessor can restyle
them, and no plotting library is needed. The data is written as literal values in the chart
(``c:strLit``, ``c:numLit``); there is no embedded workbook. Pure: builds a string.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from natk_xlsx.outputs.report_text import Chart

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
NS = ('xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')


def _fonts(font: str) -> str:
    face = escape(font, {'"': "&quot;"})
    return f'<a:latin typeface="{face}"/><a:ea typeface="{face}"/><a:cs typeface="{face}"/>'


def _text_props(size: int, font: str) -> str:
    # rtl="0": labels are numbers, years and names; LibreOffice reverses digits in a
    # right-to-left label
    return (f'<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr rtl="0"><a:defRPr sz="{size}">{_fonts(font)}'
            '</a:defRPr></a:pPr><a:endParaRPr lang="en-US"/></a:p></c:txPr>')


def _strings(values: tuple[str, ...]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{escape(v)}</c:v></c:pt>' for i, v in enumerate(values))
    return f'<c:strLit><c:ptCount val="{len(values)}"/>{points}</c:strLit>'


def _numbers(values: tuple[float | None, ...]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{v:g}</c:v></c:pt>'
                     for i, v in enumerate(values) if v is not None)
    return (f'<c:numLit><c:formatCode>General</c:formatCode><c:ptCount val="{len(values)}"/>'
            f"{points}</c:numLit>")


def chart_xml(chart: Chart, lang: str = "en-GB", font: str = "Calibri",
              rtl: bool = False) -> str:
    """The chart part. Horizontal bars list the first category at the top; in a right-to-left
    document columns run from right to left, as the tables beside them do, with their scale on
    the right, and bars grow from the right, their categories named on the right."""
    categories = chart.categories
    series = [(s.name, s.values, s.colour) for s in chart.series]
    # bar charts draw the first category at the bottom, columns at the left: reverse
    if chart.horizontal or rtl:
        categories = categories[::-1]
        series = [(name, values[::-1], colour) for name, values, colour in series]
    ser = "".join(
        f'<c:ser><c:idx val="{i}"/><c:order val="{i}"/><c:tx><c:v>{escape(name)}</c:v></c:tx>'
        f'<c:spPr><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill></c:spPr>'
        '<c:invertIfNegative val="0"/>'
        f"<c:cat>{_strings(categories)}</c:cat><c:val>{_numbers(values)}</c:val></c:ser>"
        for i, (name, values, colour) in enumerate(series))
    grouping = "stacked" if chart.stacked else "clustered"
    overlap = '<c:overlap val="100"/>' if chart.stacked else ""
    cat_pos, val_pos = ("r" if rtl else "l", "b") if chart.horizontal else ("b", "r" if rtl else "l")
    # right to left, bars grow from the right: their scale runs from the right
    val_order = "maxMin" if rtl and chart.horizontal else "minMax"
    # where the scale crosses the categories: after the last one, on the right, in a
    # right-to-left column chart
    val_crosses = "max" if rtl and not chart.horizontal else "autoZero"
    title = (f'<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="1100" '
             f'b="1">{_fonts(font)}</a:defRPr></a:pPr><a:r><a:rPr lang="{escape(lang)}" sz="1100" '
             f'b="1">{_fonts(font)}</a:rPr>'
             f"<a:t>{escape(chart.title)}</a:t></a:r></a:p></c:rich></c:tx>"
             '<c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>'
             if chart.shows_title else '<c:autoTitleDeleted val="1"/>')
    axes = (
        f'<c:catAx><c:axId val="1001"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="{cat_pos}"/><c:numFmt formatCode="General" '
        'sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/>'
        f'<c:tickLblPos val="nextTo"/>{_text_props(900, font)}<c:crossAx val="1002"/>'
        '<c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        f'<c:valAx><c:axId val="1002"/><c:scaling><c:orientation val="{val_order}"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="{val_pos}"/><c:majorGridlines><c:spPr><a:ln w="6350">'
        '<a:solidFill><a:srgbClr val="D9D9D9"/></a:solidFill></a:ln></c:spPr></c:majorGridlines>'
        '<c:numFmt formatCode="#,##0" sourceLinked="0"/><c:majorTickMark val="none"/>'
        f'<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>{_text_props(900, font)}'
        f'<c:crossAx val="1001"/><c:crosses val="{val_crosses}"/><c:crossBetween val="between"/>'
        "</c:valAx>")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace {NS}><c:roundedCorners val="0"/><c:chart>{title}'
        f'<c:plotArea><c:layout/><c:barChart><c:barDir val="{"bar" if chart.horizontal else "col"}"/>'
        f'<c:grouping val="{grouping}"/><c:varyColors val="0"/>{ser}'
        f'<c:gapWidth val="60"/>{overlap}<c:axId val="1001"/><c:axId val="1002"/></c:barChart>'
        f"{axes}</c:plotArea>"
        f'<c:legend><c:legendPos val="b"/><c:overlay val="0"/>{_text_props(900, font)}</c:legend>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        '<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>'
        f"{_text_props(900, font)}</c:chartSpace>")
