"""Files read and written without surprises: a run directory's symbolic
links found before anything in it is read (a link inside a run can point
anywhere, and what it names would be stored as the run's), and outputs
written whole or not at all (a reader, or a second build at the same time,
never sees half a file)."""
import os
import tempfile


def links_in(run_dir):
    """Every symbolic link inside RUN_DIR (files and directories, at any
    depth, annotate/ included), as paths relative to RUN_DIR, sorted; []
    when there is none. RUN_DIR itself may be a link (results/latest is
    one): only what is inside it counts. Links to directories are listed,
    not followed."""
    out = []
    for top, dirs, files in os.walk(run_dir):
        for name in dirs + files:
            path = os.path.join(top, name)
            if os.path.islink(path):
                out.append(os.path.relpath(path, run_dir))
    return sorted(out)


def write_atomic(path, text, encoding="utf-8"):
    """Write TEXT to PATH through a temporary file in PATH's directory and
    os.replace(): PATH is the old file or the new one, never a part."""
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "w", encoding=encoding) as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 is no output's mode
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
