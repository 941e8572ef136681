#!/usr/bin/env python3
# gen.py - writes the queue exports of tests/data/queue/ the way Exchange
# and PowerShell write them (Export-Csv from Windows PowerShell 5.1 and
# PowerShell 7, Format-List, the console's table, Select-Object
# NextHopDomain output, plain lists) in their encodings, and broken ones.
# Run it from this folder; the files are committed, so the tests do not
# need it (check_queue.c reads them).  The oversized file is made by the
# tests at run time.
import codecs

LRT = "{LRT=11/30/2026 4:10:11 AM}"
def wrap(led):
    return "[%s;{LED=%s};{FQDN=};{IP=}]" % (LRT, led)

DNS = "451 4.4.0 DNS query failed. The error was: "
ROWS = [
    # Identity, DeliveryType, Status, MessageCount, NextHopDomain, LastError
    ("EX01\\12", "DnsConnectorDelivery", "Retry", "42", "dropaaaa.example",
     wrap(DNS + "DNS query failed with error ErrorTimeout")),
    ("EX01\\13", "DnsConnectorDelivery", "Retry", "7", "missing.example",
     wrap(DNS + "SMTPSEND.DNS.NonExistentDomain; nonexistent domain")),
    ("EX01\\14", "DnsConnectorDelivery", "Ready", "0", "healthy.example", ""),
    ("EX01\\15", "DnsConnectorDelivery", "Retry", "130", "servfail-aaaa.example",
     wrap(DNS + "DNS query failed with error ServerFailure")),
    ("EX01\\Submission", "Undefined", "Ready", "0", "Submission", ""),
    ("EX01\\Shadow\\3", "ShadowRedundancy", "Ready", "2", "ex02.corp.local", ""),
    ("EX01\\16", "SmtpRelayToRemoteAdSite", "Ready", "3", "site-b", ""),
    ("EX01\\17", "MapiDelivery", "Ready", "1", "mbx-db01", ""),
    ("EX01\\Poison", "Undefined", "Ready", "0", "Poison Message", ""),
    ("EX01\\18", "DnsConnectorDelivery", "Retry", "5", "m\u00fcnchen.example",
     wrap(DNS + "DNS query failed with error ErrorRetry")),
    ("EX01\\Unreachable", "Unreachable", "Ready", "1", "Unreachable Domain", ""),
    ("EX02\\9", "DnsConnectorDelivery", "Retry", "3", "dropaaaa.example",
     wrap(DNS + "DNS query failed with error ErrorTimeout, see \"KB\",\nthen retry")),
]
COLS = ["Identity", "DeliveryType", "Status", "MessageCount", "NextHopDomain",
        "LastError"]
TYPE = "#TYPE Selected.Microsoft.Exchange.Data.QueueViewer.ExtensibleQueueInfo"

def ascii_rows():
    return [tuple(v.replace("m\u00fcnchen", "xn--mnchen-3ya") for v in r)
            for r in ROWS]

def q(v):
    return '"' + v.replace('"', '""') + '"'

def csv(rows, typeline, eol, delim=","):
    out = [TYPE] if typeline else []
    out.append(delim.join(q(c) for c in COLS))
    for r in rows:
        out.append(delim.join(q(v).replace("\n", eol) for v in r))
    return eol.join(out) + eol

def put(name, text, enc):
    data = {"ascii": lambda t: t.encode("ascii"),
            "utf8": lambda t: t.encode("utf-8"),
            "utf8bom": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
            "utf16": lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le")}[enc](text)
    with open(name, "wb") as f:
        f.write(data)

# Export-Csv: Windows PowerShell 5.1 (ASCII by default; -Encoding UTF8 has
# a BOM; -Encoding Unicode is UTF-16 LE), PowerShell 7 (UTF-8, no #TYPE).
put("ps51-ascii.csv", csv(ascii_rows(), True, "\r\n"), "ascii")
put("ps51-utf8bom.csv", csv(ROWS, True, "\r\n"), "utf8bom")
put("ps51-utf16.csv", csv(ROWS, True, "\r\n"), "utf16")
put("ps7.csv", csv(ROWS, False, "\r\n"), "utf8")
put("ps7-lf.csv", csv(ROWS, False, "\n"), "utf8")
put("ps7-culture.csv", csv(ROWS, False, "\r\n", ";"), "utf8")

# Get-Queue | Format-List > file: long values wrapped at 120 columns.
def fmt_list(rows, eol):
    out = [""]
    for r in rows:
        for c, v in zip(COLS + ["Velocity"], list(r) + ["0"]):
            v = v.replace("\n", " ")
            line = "%-16s : %s" % (c, v)
            while len(line) > 119:
                out.append(line[:119])
                line = " " * 19 + line[119:]
            out.append(line)
        out.append("")
    return eol.join(out) + eol
put("format-list-utf16.txt", fmt_list(ROWS, "\r\n"), "utf16")
put("format-list-utf8.txt", fmt_list(ROWS, "\n"), "utf8")

# The default Get-Queue table, as copied from the console: cells cut to
# the column ("DnsConnec..."), no LastError column.
TCOLS = [("Identity", 27), ("DeliveryType", 12), ("Status", 6),
         ("MessageCount", 12), ("Velocity", 8), ("RiskLevel", 9),
         ("OutboundIPPool", 14), ("NextHopDomain", 0)]
def cut(v, w):
    return v if w == 0 or len(v) <= w else v[:w - 3] + "..."
def table(rows, eol):
    out = ["", " ".join(("%-*s" % (w, n)) if w else n for n, w in TCOLS),
           " ".join("-" * (w or len(n)) for n, w in TCOLS)]
    for r in rows:
        vals = [r[0], r[1], r[2], r[3], "0", "Normal", "0", r[4]]
        cells = []
        for (n, w), v in zip(TCOLS, vals):
            v = cut(v, w)
            cells.append(("%*s" % (w, v)) if n == "MessageCount" else
                         (("%-*s" % (w, v)) if w else v))
        out.append(" ".join(cells).rstrip())
    out += ["", ""]
    return eol.join(out)
put("table-utf16.txt", table(ROWS, "\r\n"), "utf16")
put("table-copied.txt", table(ROWS, "\n"), "utf8")

# Get-Queue | Where-Object LastError -like "*4.4.0*" | Select-Object NextHopDomain
sel = ["", "NextHopDomain", "-------------", "dropaaaa.example",
       "missing.example", "servfail-aaaa.example", "m\u00fcnchen.example",
       "dropaaaa.example", "", ""]
put("select-nexthop-utf16.txt", "\r\n".join(sel), "utf16")
put("select-nexthop-utf8bom.txt", "\r\n".join(sel), "utf8bom")
put("plain.txt", "# from the helpdesk ticket\nuser@dropaaaa.example\n"
    "<postmaster@missing.example>\nxn--mnchen-3ya.example, Servfail-AAAA.Example.\n",
    "utf8")

# Broken.
full = csv(ascii_rows(), True, "\r\n")
put("truncated.csv", full[:full.index("ErrorRetry") + 5], "ascii")
lines = full.split("\r\n")
lines[3] = lines[3].rsplit(",", 2)[0]          # a row that lost two fields
put("short-row.csv", "\r\n".join(lines), "ascii")
put("wrong-columns.csv", '"Name","Size"\r\n"a.example","1"\r\n', "ascii")
with open("binary.bin", "wb") as f:
    f.write(bytes((i * 37 + 11) % 256 for i in range(4096)))
put("bad-names.txt", "good.example\nbad_name.example\na..b.example\n" +
    ("x" * 64) + ".example\nuser@\nalso-good.example\n" +
    "-dash.example\n", "utf8")
