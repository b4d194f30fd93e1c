#!/usr/bin/env python3
"""Recompute the MD5 digest answers found in a SIPp -trace_msg log.

usage: check_digest.py MESSAGE_LOG PASSWORD
Every *sent* request that carries Authorization or Proxy-Authorization is
checked (RFC 2617/3261 MD5, qop=auth or none). Exit 0 if there was at least one
and all of them are correct, 1 otherwise. Used by selftest/run.sh because SIPp's
own <verifyauth> only reads "Authorization:", not "Proxy-Authorization:".
"""
import hashlib
import re
import sys


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


def params(value):
    return {k.lower(): (v1 if v1 else v2)
            for k, v1, v2 in re.findall(r'([A-Za-z0-9-]+)=(?:"([^"]*)"|([^\s,"]+))', value)}


def main():
    log, password = sys.argv[1], sys.argv[2]
    text = open(log, encoding='latin-1').read()
    blocks = re.split(r'\n-{20,} [^\n]*\n', text)
    checked = bad = 0
    for b in blocks:
        if 'message sent' not in b[:80]:
            continue
        lines = b.replace('\r', '').split('\n')
        req = next((l for l in lines if re.match(r'^[A-Z]+ \S+ SIP/2\.0$', l)), None)
        if not req:
            continue
        method = req.split()[0]
        for l in lines:
            m = re.match(r'^(Proxy-)?Authorization:\s*Digest\s+(.*)$', l, re.I)
            if not m:
                continue
            p = params(m.group(2))
            ha1 = md5('%s:%s:%s' % (p['username'], p['realm'], password))
            ha2 = md5('%s:%s' % (method, p['uri']))
            if p.get('qop'):
                want = md5(':'.join([ha1, p['nonce'], p['nc'], p['cnonce'], p['qop'], ha2]))
            else:
                want = md5(':'.join([ha1, p['nonce'], ha2]))
            checked += 1
            ok = want == p.get('response')
            bad += 0 if ok else 1
            print('%s %s user=%s uri=%s -> %s' % (method, 'Proxy-Authorization' if m.group(1) else 'Authorization',
                                                  p['username'], p['uri'], 'OK' if ok else 'WRONG'))
    if checked == 0:
        print('no credentials found in', log)
        return 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
