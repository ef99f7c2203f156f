#!/usr/bin/env python3
"""sign_v1.py - prints a query string signed with Alibaba's signature V1
(HMAC-SHA1 over "GET&%2F&" + the sorted, percent-encoded parameters), as the
official V1 SDKs send it.  For the namespace tests (lib.sh: v1_query).

  sign_v1.py KEY_ID SECRET [--ahead SECONDS] ACTION [KEY=VALUE...]

--ahead signs with a timestamp that many seconds in the future."""
import base64
import hashlib
import hmac
import sys
import time
import urllib.parse
import uuid


def main(argv):
    key, secret, rest = argv[0], argv[1], argv[2:]
    ahead = 0
    if rest[:1] == ["--ahead"]:
        ahead, rest = int(rest[1]), rest[2:]
    action, extra = rest[0], rest[1:]
    p = {"Action": action, "Version": "2014-05-26", "RegionId": "cn-hangzhou", "Format": "JSON",
         "AccessKeyId": key, "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
         "SignatureNonce": uuid.uuid4().hex,
         "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + ahead))}
    for kv in extra:
        k, v = kv.split("=", 1)
        p[k] = v
    enc = lambda s: urllib.parse.quote(s, safe="~")
    q = "&".join("%s=%s" % (enc(k), enc(v)) for k, v in sorted(p.items()))
    sts = "GET&%2F&" + enc(q)
    sig = base64.b64encode(hmac.new((secret + "&").encode(), sts.encode(), hashlib.sha1).digest()).decode()
    print("%s&Signature=%s" % (q, enc(sig)))


if __name__ == "__main__":
    main(sys.argv[1:])
