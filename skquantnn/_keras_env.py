"""Quiet TensorFlow's start-up; imported before anything that imports Keras.

TensorFlow writes its start-up notices (oneDNN, CPU instruction sets, absl's
"log messages before InitializeLog" line) from native code, before its own log
level applies. Unless the user set ``TF_CPP_MIN_LOG_LEVEL`` (then they asked for
the logs), Keras and, when installed, TensorFlow are imported here once with the
native stderr muted, and the later warning-level logs are hidden with
``TF_CPP_MIN_LOG_LEVEL=2``.
"""

import importlib
import importlib.util
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
    with native_stderr_muted():
        if "keras" not in sys.modules:
            importlib.import_module("keras")
        # Keras loads TensorFlow lazily on the other backends too (for tf.data);
        # load it now, muted, rather than noisily in the middle of a fit.
        if "tensorflow" not in sys.modules and importlib.util.find_spec("tensorflow"):
            importlib.import_module("tensorflow")
    # every fit builds a new model, so TensorFlow's "retracing" notice is expected
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
