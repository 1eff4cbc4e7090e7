"""Seeds of the lhv1 serve parser targets (sigv4, aws_chunked), for
make_seeds.py: requests as S3 clients sign and encode them (SigV4 computed
here with hmac/hashlib) and the hostile shapes each parser must refuse."""
import hashlib
import hmac

KEY, SECRET, DATE, STAMP = "AKIDEXAMPLE", "wJalrXUtnFEMI", "20260101", "20260101T000000Z"


def _sig(text):
    k = ("AWS4" + SECRET).encode()
    for part in (DATE, "us-east-1", "s3", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return hmac.new(k, text.encode(), hashlib.sha256).hexdigest()


def _authz(signed="host;x-amz-content-sha256;x-amz-date", sep=", ", cred=None, sig=None):
    cred = cred or f"{KEY}/{DATE}/us-east-1/s3/aws4_request"
    sig = sig or _sig("canonical request " + signed)
    return f"AWS4-HMAC-SHA256 Credential={cred}{sep}SignedHeaders={signed}{sep}Signature={sig}"


def sigv4_seeds():
    """{name: bytes}: four lines, Authorization / x-amz-date / query / header value."""
    authz = [
        ("valid", _authz()),
        ("compact", _authz(sep=",")),
        ("many-headers", _authz(";".join(["content-md5", "host"] + [f"x-amz-meta-{i:02d}" for i in range(40)]))),
        ("unsorted", _authz("x-amz-date;host")),
        ("repeated", _authz("host;host")),
        ("uppercase", _authz("Host;x-amz-date")),
        ("empty-signed", _authz("")),
        ("six-parts", _authz(cred=f"{KEY}/{DATE}/us-east-1/s3/extra/aws4_request")),
        ("short-sig", _authz(sig="abc")),
        ("upper-sig", _authz(sig="A" * 64)),
        ("sigv2", f"AWS {KEY}:frJIUN8DYpKDtOLCwo//yllqDzg="),
        ("twice", _authz() + ", Signature=" + "0" * 64),
    ]
    dates = [STAMP, "20240229T235959Z", "20230229T000000Z", "99999999XYZ", "20261231T246060Z",
             "00000101T000000Z", "2026-01-01T00:00:00Z", "Thu, 01 Jan 2026 00:00:00 GMT"]
    queries = ["list-type=2&prefix=_vectors%2F&continuation-token=abc%3D%3D", "", "a=b=c&&d&",
               "%zz", "x=%4", "q=a+b&q=a%20b&Q=1", "X-Amz-Signature=00&X-Amz-Credential=a%2Fb",
               "%E2%82%AC=%00", "&" * 40]
    values = ["  a   b\t\tc  ", "\t", "plain", "x" * 200]
    out = {}
    for i, (name, a) in enumerate(authz):
        text = "\n".join([a, dates[i % len(dates)], queries[i % len(queries)], values[i % len(values)]])
        out[f"gen-{name}.txt"] = text.encode()
    return out


def _chunk(data, sig=None):
    ext = f";chunk-signature={sig}" if sig is not None else ""
    return f"{len(data):x}{ext}\r\n".encode() + data + b"\r\n"


def aws_chunked_seeds():
    """{name: bytes}: aws-chunked bodies, signed, trailed and malformed."""
    sig = "a" * 64
    body = b"hello world" * 30
    signed = _chunk(body[:200], sig) + _chunk(body[200:], sig) + b"0;chunk-signature=" + sig.encode() + b"\r\n\r\n"
    trailer = _chunk(body) + b"0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"
    signed_trailer = (_chunk(body, sig) + b"0;chunk-signature=" + sig.encode() +
                      b"\r\nx-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:" + sig.encode() +
                      b"\r\n\r\n")
    return {
        "gen-signed.bin": signed,
        "gen-trailer.bin": trailer,
        "gen-signed-trailer.bin": signed_trailer,
        "gen-no-final-line.bin": _chunk(b"abc") + b"0\r\n",
        "gen-uppercase-hex.bin": b"B\r\nhello world\r\n0\r\n\r\n",
        "gen-size-2-64.bin": b"ffffffffffffffff\r\nabc\r\n0\r\n\r\n",
        "gen-size-overflow.bin": b"10000000000000000\r\nabc\r\n0\r\n\r\n",
        "gen-negative.bin": b"-5\r\nhello\r\n0\r\n\r\n",
        "gen-short-data.bin": b"10\r\nabc\r\n0\r\n\r\n",
        "gen-crlf-in-data.bin": _chunk(b"a\r\nb\r\n") + b"0\r\n\r\n",
        "gen-ext-no-value.bin": b"3;chunk-signature\r\nabc\r\n0\r\n\r\n",
        "gen-many-trailers.bin": b"0\r\n" + b"".join(b"x-t%d:v\r\n" % i for i in range(10)) + b"\r\n",
        "gen-junk-after.bin": _chunk(b"abc") + b"0\r\n\r\ntrailing",
        "gen-tiny-chunks.bin": b"".join(_chunk(bytes([c])) for c in b"tiny chunks") + b"0\r\n\r\n",
    }
