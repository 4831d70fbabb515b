"""`python -m bench [NAME …]` runs the benchmarks of bench/ (each module's main()); without a name, all of them.

Each benchmark prints its figures and the ratio to its baseline. Benchmarks are never run by the test suite."""

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    return sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if not m.name.startswith("_")
        and m.name != "settings"  # settings: the national bench's server settings
    )


def main(argv: list[str]) -> int:
    """`python -m bench [NAME …] [--option …]`: options after the names go to each benchmark's main()."""
    split = next((i for i, arg in enumerate(argv) if arg.startswith("-")), len(argv))
    names, options = argv[:split] or available(), argv[split:]
    unknown = [n for n in names if n not in available()]
    if unknown:
        print(f"Mesures inconnues : {', '.join(unknown)} (disponibles : {', '.join(available())})")
        return 2
    for name in names:
        print(f"\n### bench/{name}.py")
        module = importlib.import_module(f"bench.{name}")
        result = module.main(options)
        if isinstance(result, int) and result:
            return result
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
