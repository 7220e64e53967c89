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
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / source.name
        shutil.copy(source, copy)
        profile = Path(work) / "profile"
        cmd = [soffice(), f"-env:UserInstallation=file://{profile}", "--headless",
               "--convert-to", target, "--outdir", str(out_dir), str(copy)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    result = out_dir / (source.stem + "." + target.split(":")[0])
    if proc.returncode != 0 or not result.exists():
        raise RuntimeError(f"LibreOffice failed on {source}: {proc.stdout} {proc.stderr}")
    return result
