"""``python -m natk_xlsx``: the same as the ``natk`` command."""

from natk_xlsx.entry import main

if __name__ == "__main__":
    main()
