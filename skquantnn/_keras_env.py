"""Quiet TensorFlow's start-up; imported before anything that imports Keras.

TensorFlow writes its start-up notices (oneDNN, CPU instruction sets, absl's
"log messages before InitializeLog" line) from native code, before its own log
level applies. Unless the user set ``TF_CPP_MIN_LOG_LEVEL`` (then they asked for
the logs), Keras is imported here once with the native stderr muted, and the
later warning-level logs are hidden with ``TF_CPP_MIN_LOG_LEVEL=2``.
"""

import logging
import os
import sys
from contextlib import contextmanager

USER_SET_TF_LOG_LEVEL = "TF_CPP_MIN_LOG_LEVEL" in os.environ


@contextmanager
def native_stderr_muted():
    """Send what native code writes to file descriptor 2 to /dev/null."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


if not USER_SET_TF_LOG_LEVEL:
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
    if "keras" not in sys.modules:
        with native_stderr_muted():
            import keras  # noqa: F401
    # every fit builds a new model, so TensorFlow's "retracing" notice is expected
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
