#!/usr/bin/env python3
"""html_layout.py - open an HTML report in headless Chromium and check its
layout at given widths, through the DevTools protocol over a pipe
(--remote-debugging-pipe: requests on fd 3, replies on fd 4, NUL-separated
JSON; Python's standard library only). The report itself has no scripts:
the measurements are evaluated by the protocol (Runtime.evaluate), not by
the page.

Usage: html_layout.py CHROMIUM REPORT.html OUTDIR WIDTH...
For each WIDTH: a screenshot OUTDIR/report-WIDTH.png (full page height up
to 4000 px) and one line of JSON with the measurements; then "ok" or the
failures. Exit 0 when every check holds, 1 when one fails, 99 when
Chromium cannot be run.

Checks at each width: no horizontal overflow (document scrollWidth <=
innerWidth); the results table exists, is displayed, has a header and at
least one row, and its bounding box lies within the viewport's width; no
element overflows the page's width; no script ran (none exists); the
screenshot is a PNG of the asked width that is not blank (several
distinct colours, both dark text and light background).
"""
import base64
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

MEASURE = r"""
(() => {
  const de = document.documentElement;
  const t = document.querySelector('table');
  const r = t ? t.getBoundingClientRect() : null;
  let wide = [];
  for (const e of document.querySelectorAll('body *')) {
    const b = e.getBoundingClientRect();
    if (b.width > 0 && (b.right > window.innerWidth + 0.5 || b.left < -0.5))
      wide.push(e.tagName + ' ' + Math.round(b.left) + '..' + Math.round(b.right));
  }
  return JSON.stringify({
    inner: window.innerWidth, scroll: de.scrollWidth,
    height: de.scrollHeight,
    table: t ? {left: r.left, right: r.right, top: r.top, width: r.width,
                height: r.height,
                display: getComputedStyle(t).display,
                visibility: getComputedStyle(t).visibility,
                rows: t.rows.length,
                heads: t.querySelectorAll('th').length} : null,
    wide: wide.slice(0, 10), nwide: wide.length,
    scripts: document.scripts.length,
    title: document.title
  });
})()
"""


class Pipe:
    def __init__(self, chromium, profile):
        to_r, to_w = os.pipe()      # we write requests: fd 3 in Chromium
        from_r, from_w = os.pipe()  # Chromium writes replies: its fd 4

        def child():
            # copies first: a pipe may already be fd 3 or 4, and dup2 of
            # a descriptor onto itself would keep its close-on-exec flag
            a, b = os.dup(to_r), os.dup(from_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-quic", "--no-first-run",
             "--disable-background-networking",
             "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", "--remote-debugging-pipe",
             "--user-data-dir=" + profile, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(profile, "chromium.log"), "w"),
            preexec_fn=child, close_fds=False)
        os.close(to_r)
        os.close(from_w)
        self.w = os.fdopen(to_w, "wb", buffering=0)
        self.r = os.fdopen(from_r, "rb", buffering=0)
        self.buf = b""
        self.n = 0

    def call(self, method, params=None, session=None):
        self.n += 1
        msg = {"id": self.n, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.w.write(json.dumps(msg).encode() + b"\0")
        while True:
            reply = self.read()
            if reply.get("id") == self.n:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})

    def read(self):
        """The next message (a reply or an event)."""
        while b"\0" not in self.buf:
            chunk = self.r.read(65536)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def wait_event(self, name, session):
        while True:
            ev = self.read()
            if ev.get("method") == name and ev.get("sessionId") == session:
                return ev

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def png_info(data):
    """(width, height, distinct colours of a sample, darkest, lightest)
    of an 8-bit RGB or RGBA PNG, decoded with zlib (filters undone)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, w = 8, b"", None
    while pos < len(data):
        ln, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + ln]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + ln
    if w is None or depth != 8 or ctype not in (2, 6):
        raise ValueError("unexpected PNG kind")
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    colours, lo, hi = set(), 255, 0
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pr) & 255
        prev = line
        if y % 4 == 0:
            for x in range(0, w, 3):
                px = bytes(line[x * bpp:x * bpp + 3])
                colours.add(px)
                lum = sum(px) // 3
                lo, hi = min(lo, lum), max(hi, lum)
    return w, h, len(colours), lo, hi


def main():
    if len(sys.argv) < 5:
        print(__doc__)
        return 2
    chromium, report, outdir = sys.argv[1:4]
    widths = [int(x) for x in sys.argv[4:]]
    url = "file://" + os.path.abspath(report)
    profile = tempfile.mkdtemp(prefix="exdns-chromium.")
    failures = []
    try:
        br = Pipe(chromium, profile)
    except OSError as e:
        print("cannot run %s: %s" % (chromium, e))
        return 99
    try:
        target = br.call("Target.createTarget", {"url": "about:blank"})
        sess = br.call("Target.attachToTarget",
                       {"targetId": target["targetId"],
                        "flatten": True})["sessionId"]
        br.call("Page.enable", session=sess)
        for width in widths:
            br.call("Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": 900, "deviceScaleFactor": 1,
                     "mobile": False}, session=sess)
            br.call("Page.navigate", {"url": url}, session=sess)
            br.wait_event("Page.loadEventFired", sess)
            m = json.loads(br.call("Runtime.evaluate",
                                   {"expression": MEASURE,
                                    "returnByValue": True},
                                   session=sess)["result"]["value"])
            height = min(max(int(m["height"]), 900), 4000)
            br.call("Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": height,
                     "deviceScaleFactor": 1, "mobile": False}, session=sess)
            shot = br.call("Page.captureScreenshot", {"format": "png"},
                           session=sess)
            png = base64.b64decode(shot["data"])
            path = os.path.join(outdir, "report-%d.png" % width)
            with open(path, "wb") as f:
                f.write(png)
            pw, ph, ncol, lo, hi = png_info(png)
            m.update({"width": width, "png": path, "png_size": [pw, ph],
                      "png_colours": ncol, "png_dark": lo, "png_light": hi})
            print(json.dumps(m))
            tag = "at %d px: " % width
            if m["scroll"] > m["inner"]:
                failures.append(tag + "horizontal overflow: scrollWidth %d > "
                                "innerWidth %d" % (m["scroll"], m["inner"]))
            if m["nwide"]:
                failures.append(tag + "%d elements overflow the width: %s"
                                % (m["nwide"], ", ".join(m["wide"])))
            t = m["table"]
            if t is None:
                failures.append(tag + "no results table")
            else:
                if t["display"] == "none" or t["visibility"] != "visible" \
                        or t["width"] < width / 2 or t["height"] < 20:
                    failures.append(tag + "the table is not visible: %r" % t)
                if t["left"] < 0 or t["right"] > m["inner"] + 0.5:
                    failures.append(tag + "the table spills out: %r" % t)
                if t["rows"] < 2 or t["heads"] < 5:
                    failures.append(tag + "the table has no rows or header")
            if m["scripts"]:
                failures.append(tag + "the report holds a script")
            if pw != width:
                failures.append(tag + "screenshot is %d px wide" % pw)
            if ncol < 4 or lo > 80 or hi < 200:
                failures.append(tag + "screenshot looks blank (%d colours, "
                                "darkest %d, lightest %d)" % (ncol, lo, hi))
    except (RuntimeError, ValueError, KeyError) as e:
        failures.append("Chromium: %s" % e)
        try:
            with open(os.path.join(profile, "chromium.log")) as f:
                print(f.read()[-3000:])
        except OSError:
            pass
    finally:
        br.close()
        subprocess.run(["rm", "-rf", profile])
    for f in failures:
        print("FAIL: " + f)
    if not failures:
        print("ok")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
