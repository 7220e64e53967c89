"""Drive headless LibreOffice from tests: re-save a workbook as a respondent's LibreOffice would."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        raise RuntimeError("LibreOffice is not installed: apt-get install libreoffice-calc-nogui "
                           "(.ci/run installs it)")
    return path


def convert(source: Path, out_dir: Path, target: str = "xlsx", timeout: int = 180) -> Path:
    """Convert (re-save) ``source`` with LibreOffice into ``out_dir``; return the new file.

    Works on a copy with its own profile, so runs in parallel or after a crash do not collide.
    """
    return convert_together([source], out_dir, target, timeout)[0]


def convert_together(sources: list[Path], out_dir: Path, target: str = "pdf",
                     timeout: int = 240) -> list[Path]:
    """``convert`` each of ``sources`` at the same time, each LibreOffice with its own profile
    (one converting a long workbook keeps one core busy: two take the time of one)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        running = []
        for i, source in enumerate(sources):
            folder = Path(work) / str(i)
            folder.mkdir()
            copy = folder / source.name
            shutil.copy(source, copy)
            cmd = [soffice(), f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
                   "--convert-to", target, "--outdir", str(out_dir), str(copy)]
            running.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                            text=True))
        try:
            done = [(proc, *proc.communicate(timeout=timeout)) for proc in running]
        finally:  # none left running past a timeout, as subprocess.run would leave none
            for proc in running:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
    results = []
    for source, (proc, out, err) in zip(sources, done, strict=True):
        result = out_dir / (source.stem + "." + target.split(":")[0])
        if proc.returncode != 0 or not result.exists():
            raise RuntimeError(f"LibreOffice failed on {source}: {out} {err}")
        results.append(result)
    return results
