"""CurveZMQ keys from the files `hubctl keys new` writes: Z85 text on the first line."""
import zmq
import zmq.utils.z85

Z85_KEY_CHARS = 40


class KeyFileError(Exception):
    """A key file that cannot be read or holds no key; the message names the file."""


def read_key(path):
    """The 40-character Z85 key on the first line of `path`, as bytes.

    The message of a failure never quotes the line: it may be a secret.
    """
    try:
        with open(path, "rb") as f:
            line = f.readline().strip()
    except OSError as e:
        raise KeyFileError("cannot read key file '%s': %s" % (path, e.strerror)) from None
    if len(line) != Z85_KEY_CHARS:
        raise KeyFileError("%s:1: expected a Z85 CURVE key (40 characters) on the first line" % path)
    try:
        zmq.utils.z85.decode(line)
    except (ValueError, KeyError):
        raise KeyFileError("%s:1: expected a Z85 CURVE key (40 characters) on the first line"
                        % path) from None
    return line


def load_client_keys(key_file, hub_key_file):
    """(hub public, our public, our secret), each Z85 bytes.

    Our public key is derived from the secret one, so the `.pub` beside it is not needed.
    """
    secret_key = read_key(key_file)
    return read_key(hub_key_file), zmq.curve_public(secret_key), secret_key
