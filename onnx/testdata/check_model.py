"""Check ONNX files with ONNX's own checker (Debian's python3-onnx).

    python3 check_model.py FILE.onnx ...

Prints "ok FILE" for each file onnx.checker.check_model accepts (with
full_check: shape inference too) and exits 1 after the first it refuses,
printing the checker's message. Used by onnx/checker_test.go.
"""
import sys

import onnx
import onnx.checker


def main(paths):
    for path in paths:
        model = onnx.load(path)
        try:
            onnx.checker.check_model(model, full_check=True)
        except Exception as e:  # the checker's errors have several types
            print(f"{path}: {type(e).__name__}: {e}")
            return 1
        print("ok", path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
