"""The collector a user writes by hand today with pypsrp: the baseline scripts/bench-collect compares
`cimsweep collect` against.

Sweeps cimsweep's built-in default profile (the same 9 classes) from every host in a hosts file with
pypsrp's WSMan client (Basic auth over plain HTTP, Enumerate + Pull until EndOfSequence), 32 hosts at a
time on a thread pool, one WSMan client (one keep-alive HTTP session) per host reused for all its
classes, and stores one JSON row per instance in SQLite: table instances(snapshot, host, class, json).

Usage: pypsrp_collector.py --hosts FILE --db PATH [--workers 32] [--max-elements 200]
Hosts file lines: `host` or `host:port` (default port 5985); `#` comments and blank lines skipped.
Credentials from CIMSWEEP_USERNAME / CIMSWEEP_PASSWORD. Prints one summary line:
`pypsrp: H/N hosts ok, I instances in S s -> PATH`.
"""
import argparse
import concurrent.futures
import json
import os
import sqlite3
import sys
import time
import xml.etree.ElementTree as ET

from pypsrp.wsman import NAMESPACES, WSMan

WMI = "http://schemas.microsoft.com/wbem/wsman/1/wmi/"
WSMAN = NAMESPACES["wsman"]
WSEN = NAMESPACES["wsen"]
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"

# cimsweep's built-in `default` profile (Sources/Collector/CollectorConfiguration.swift).
PROFILE = [
    ("root/cimv2", "Win32_OperatingSystem"),
    ("root/cimv2", "Win32_ComputerSystem"),
    ("root/cimv2", "Win32_BIOS"),
    ("root/cimv2", "Win32_Process"),
    ("root/cimv2", "Win32_Service"),
    ("root/cimv2", "Win32_LogicalDisk"),
    ("root/cimv2", "Win32_QuickFixEngineering"),
    ("root/StandardCimv2", "MSFT_NetAdapter"),
    ("root/StandardCimv2", "MSFT_NetIPAddress"),
]


def read_hosts(path):
    hosts = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            name, _, port = line.partition(":")
            hosts.append((name, int(port) if port else 5985))
    return hosts


def local(tag):
    return tag.rsplit("}", 1)[-1]


def element_value(element):
    """An embedded instance becomes a dict, nil None, anything else its text."""
    if element.get(XSI_NIL) == "true":
        return None
    if len(element):
        return instance_dict(element)
    return element.text or ""


def instance_dict(element):
    """Properties by local name; a repeated element is an array."""
    result = {}
    for child in element:
        name, value = local(child.tag), element_value(child)
        if name not in result:
            result[name] = value
        elif isinstance(result[name], list):
            result[name].append(value)
        else:
            result[name] = [result[name], value]
    return result


def enumerate_class(wsman, uri, max_elements):
    body = ET.Element("{%s}Enumerate" % WSEN)
    ET.SubElement(body, "{%s}OptimizeEnumeration" % WSMAN)
    ET.SubElement(body, "{%s}MaxElements" % WSMAN).text = str(max_elements)
    node = wsman.enumerate(uri, body).find("wsen:EnumerateResponse", NAMESPACES)
    items = list(node.find("wsman:Items", NAMESPACES))
    while node.find("wsman:EndOfSequence", NAMESPACES) is None and node.find("wsen:EndOfSequence", NAMESPACES) is None:
        pull = ET.Element("{%s}Pull" % WSEN)
        ET.SubElement(pull, "{%s}EnumerationContext" % WSEN).text = node.find("wsen:EnumerationContext", NAMESPACES).text
        ET.SubElement(pull, "{%s}MaxElements" % WSEN).text = str(max_elements)
        node = wsman.pull(uri, pull).find("wsen:PullResponse", NAMESPACES)
        items.extend(node.find("wsen:Items", NAMESPACES))
    return items


def sweep_host(host, port, max_elements):
    """Every class of the profile from one host: (rows, error)."""
    wsman = WSMan(host, port=port, username=os.environ["CIMSWEEP_USERNAME"], password=os.environ["CIMSWEEP_PASSWORD"],
                  ssl=False, auth="basic", encryption="never", operation_timeout=60)
    rows = []
    try:
        with wsman:
            for namespace, class_name in PROFILE:
                for item in enumerate_class(wsman, WMI + namespace + "/" + class_name, max_elements):
                    rows.append((class_name, json.dumps(instance_dict(item), separators=(",", ":"))))
    except Exception as error:  # a sick host is reported and skipped, as a hand-written script would
        return rows, "%s: %s" % (type(error).__name__, error)
    return rows, None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--max-elements", type=int, default=200)
    args = parser.parse_args()

    hosts = read_hosts(args.hosts)
    database = sqlite3.connect(args.db)
    database.execute("CREATE TABLE IF NOT EXISTS instances (snapshot INTEGER, host TEXT, class TEXT, json TEXT)")
    snapshot = int(time.time())
    started = time.monotonic()
    instances, ok = 0, 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.workers) as pool:
        futures = {pool.submit(sweep_host, host, port, args.max_elements): host for host, port in hosts}
        for future in concurrent.futures.as_completed(futures):
            host = futures[future]
            rows, error = future.result()
            if error:
                print("%s: %s" % (host, error), file=sys.stderr)
            else:
                ok += 1
            database.executemany("INSERT INTO instances VALUES (?, ?, ?, ?)",
                                 [(snapshot, host, class_name, text) for class_name, text in rows])
            database.commit()
            instances += len(rows)
    database.close()
    print("pypsrp: %d/%d hosts ok, %d instances in %.1f s -> %s" % (ok, len(hosts), instances, time.monotonic() - started, args.db))
    return 0 if ok == len(hosts) else 1


if __name__ == "__main__":
    sys.exit(main())
