"""SigV4 as `lhv1 serve --auth` verifies it, signed by botocore (the signer
of boto3 and the AWS CLI), not by the server's authors (docs/SECURITY.md):
its S3 client at default settings round-trips and makes signed admin calls;
requests signed by its S3SigV4Auth within the clock skew are served, and
outside it, for another region or service, with another secret, with an
x-amz-* header added after signing, or with a body other than the signed
hash, are refused. Its presigned URLs (generate_presigned_url) for GET, HEAD
and PUT are served; expired, tampered with or aimed at the admin API they
are refused.

Run by ctest (http_sec_botocore_<variant>) with the server binary in
$LHV1_CLI and the interpreter of .tools/venv (ci/setup).
"""
import datetime
import http.client
import os
import re
import subprocess
import unittest
from unittest import mock

import botocore.auth
import botocore.session
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

KEY, SECRET, REGION = "AKIDBOTO", "boto-secret", "us-east-1"
CREDS = Credentials(KEY, SECRET)


class Server:
    """`lhv1 serve --auth KEY:SECRET` on a free loopback port."""

    def __init__(self, *extra):
        cli = os.environ["LHV1_CLI"]
        self.proc = subprocess.Popen(
            [cli, "serve", "--listen", "127.0.0.1:0", "--auth", f"{KEY}:{SECRET}", *extra],
            stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.match(r"listening on (http://127\.0\.0\.1:(\d+))", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"the server printed {line!r}")
        self.url, self.port = m.group(1), int(m.group(2))

    def stop(self):
        self.proc.terminate()
        self.proc.stdout.close()
        if self.proc.wait(timeout=30) != 0:
            raise AssertionError(f"server exit status {self.proc.returncode}")


def sign(method, url, body=b"", creds=CREDS, region=REGION, service="s3", at=None,
         headers=None):
    """A request signed by botocore's S3SigV4Auth (as of `at`, UTC)."""
    req = AWSRequest(method=method, url=url, data=body, headers=headers or {})
    auth = botocore.auth.S3SigV4Auth(creds, service, region)
    when = at or datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    with mock.patch("botocore.auth.get_current_datetime", return_value=when):
        auth.add_auth(req)
    return req


def send(server, req, body=None, edit=None):
    """Sends a signed request (its body, or `body`); (status, S3 code)."""
    headers = dict(req.headers.items())
    if edit:
        edit(headers)
    data = req.body if body is None else body
    if isinstance(data, str):
        data = data.encode()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    path = req.url.split(str(server.port), 1)[1]
    conn.request(req.method, path, body=data or None, headers=headers)
    resp = conn.getresponse()
    text = resp.read().decode(errors="replace")
    conn.close()
    m = re.search(r"<Code>([^<]*)</Code>", text)
    return resp.status, m.group(1) if m else ""


def fetch(server, method, url, body=None):
    """An unsigned request to url (a presigned one): (status, S3 code, body, headers)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request(method, url.split(str(server.port), 1)[1], body=body)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    m = re.search(rb"<Code>([^<]*)</Code>", data)
    return resp.status, m.group(1).decode() if m else "", data, resp


def client(server):
    """botocore's S3 client; its presigned URLs SigV4 (its default there is SigV2)."""
    return botocore.session.get_session().create_client(
        "s3", endpoint_url=server.url, region_name=REGION, aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))


class SigV4ByBotocore(unittest.TestCase):
    def setUp(self):
        self.srv = Server()
        self.addCleanup(self.srv.stop)
        self.assertEqual(send(self.srv, sign("PUT", self.srv.url + "/bkt"))[0], 200)

    def test_client_round_trip_and_admin(self):
        s3 = botocore.session.get_session().create_client(
            "s3", endpoint_url=self.srv.url, region_name=REGION, aws_access_key_id=KEY,
            aws_secret_access_key=SECRET, config=Config(s3={"addressing_style": "path"}))
        for n in (0, 1, 70000, 1 << 20):
            body = bytes(i % 251 for i in range(n))
            s3.put_object(Bucket="bkt", Key=f"_vectors/{n}.lhv1", Body=body)
            got = s3.get_object(Bucket="bkt", Key=f"_vectors/{n}.lhv1")["Body"].read()
            self.assertEqual(got, body)
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="bkt", Prefix="_vectors/")["Contents"]]
        self.assertEqual(len(keys), 4)
        s3.delete_object(Bucket="bkt", Key="_vectors/0.lhv1")
        rule = b'{"kind":"http-slowdown","op":"get"}'
        self.assertEqual(send(self.srv, sign("POST", self.srv.url + "/_lhv1/rules", rule))[0], 200)
        unsigned = AWSRequest(method="POST", url=self.srv.url + "/_lhv1/reset", data=b"")
        self.assertEqual(send(self.srv, unsigned)[0], 403)

    def test_dates(self):
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        url = self.srv.url + "/bkt?list-type=2"
        for minutes in (0, -14, 14):
            at = now + datetime.timedelta(minutes=minutes)
            self.assertEqual(send(self.srv, sign("GET", url, at=at)), (200, ""), minutes)
        for at in (now - datetime.timedelta(minutes=16), now + datetime.timedelta(minutes=16),
                   datetime.datetime(2000, 1, 1), datetime.datetime(2099, 12, 31, 23, 59, 59)):
            self.assertEqual(send(self.srv, sign("GET", url, at=at)),
                             (403, "RequestTimeTooSkewed"), at)

    def test_scope_and_credentials(self):
        url = self.srv.url + "/bkt?list-type=2"
        cases = [
            (dict(region="eu-west-1"), (400, "AuthorizationHeaderMalformed")),
            (dict(service="iam"), (400, "AuthorizationHeaderMalformed")),
            (dict(creds=Credentials(KEY, "wrong")), (403, "SignatureDoesNotMatch")),
            (dict(creds=Credentials("AKIDOTHER", SECRET)), (403, "InvalidAccessKeyId")),
        ]
        for kw, want in cases:
            self.assertEqual(send(self.srv, sign("GET", url, **kw)), want, kw)

    def test_headers_added_after_signing(self):
        url = self.srv.url + "/bkt?list-type=2"
        add = lambda h: h.update({"x-amz-meta-added": "after signing"})
        self.assertEqual(send(self.srv, sign("GET", url), edit=add), (403, "AccessDenied"))

        def unsign_host(h):
            h["Authorization"] = h["Authorization"].replace("SignedHeaders=host;", "SignedHeaders=")
        self.assertEqual(send(self.srv, sign("GET", url), edit=unsign_host), (403, "AccessDenied"))

    def test_body_bound_to_signed_hash(self):
        req = sign("PUT", self.srv.url + "/bkt/k", b"the signed body")
        self.assertNotIn("UNSIGNED", req.headers["X-Amz-Content-SHA256"])
        self.assertEqual(send(self.srv, req, body=b"another body!!!"),
                         (400, "XAmzContentSHA256Mismatch"))
        self.assertEqual(send(self.srv, sign("GET", self.srv.url + "/bkt/k"))[0], 404)
        self.assertEqual(send(self.srv, req), (200, ""))


class PresignedByBotocore(unittest.TestCase):
    def setUp(self):
        self.srv = Server()
        self.addCleanup(self.srv.stop)
        self.s3 = client(self.srv)
        self.s3.create_bucket(Bucket="bkt")

    def presign(self, op, expires=900, at=None, **params):
        when = at or datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        with mock.patch("botocore.auth.get_current_datetime", return_value=when):
            return self.s3.generate_presigned_url(
                op, Params={"Bucket": "bkt", **params}, ExpiresIn=expires)

    def test_get_head_put(self):
        put = self.presign("put_object", Key="p k/é")
        self.assertIn("X-Amz-Signature=", put)
        self.assertEqual(fetch(self.srv, "PUT", put, b"presigned body")[:2], (200, ""))
        status, code, data, _ = fetch(self.srv, "GET", self.presign("get_object", Key="p k/é"))
        self.assertEqual((status, code, data), (200, "", b"presigned body"))
        status, _, _, resp = fetch(self.srv, "HEAD", self.presign("head_object", Key="p k/é"))
        self.assertEqual((status, resp.getheader("Content-Length")), (200, "14"))
        url = self.presign("get_object", Key="p k/é",
                           ResponseContentDisposition='attachment; filename="x.bin"')
        status, _, _, resp = fetch(self.srv, "GET", url)
        self.assertEqual((status, resp.getheader("Content-Disposition")),
                         (200, 'attachment; filename="x.bin"'))

    def test_refused(self):
        self.s3.put_object(Bucket="bkt", Key="k", Body=b"x")
        past = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - \
            datetime.timedelta(hours=2)
        status, code, data, _ = fetch(self.srv, "GET", self.presign("get_object", 60, past, Key="k"))
        self.assertEqual((status, code), (403, "AccessDenied"))
        self.assertIn(b"Request has expired", data)
        url = self.presign("get_object", 60, Key="k")
        longer = url.replace("X-Amz-Expires=60", "X-Amz-Expires=600")
        self.assertNotEqual(url, longer)
        self.assertEqual(fetch(self.srv, "GET", longer)[:2], (403, "SignatureDoesNotMatch"))
        put = self.presign("put_object", Key="k")
        self.assertEqual(fetch(self.srv, "GET", put)[:2], (403, "SignatureDoesNotMatch"))
        week = self.presign("get_object", 604801, Key="k")
        self.assertEqual(fetch(self.srv, "GET", week)[:2],
                         (400, "AuthorizationQueryParametersError"))
        admin = self.s3.generate_presigned_url("list_objects_v2", Params={"Bucket": "_lhv1"})
        self.assertEqual(fetch(self.srv, "GET", admin.replace("/_lhv1", "/_lhv1/rules", 1))[:2],
                         (403, "AccessDenied"))


if __name__ == "__main__":
    unittest.main()
