"""Drives pypsrp's WSMan class against one simulated host: Enumerate + Pull, WQL, Get, and a fault.

Usage: pypsrp_sim.py HOST PORT   (credentials from CIMSWEEP_USERNAME / CIMSWEEP_PASSWORD)
Prints one JSON object with what pypsrp saw; SimulatorTests/PypsrpTests.swift checks it.
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

from pypsrp.exceptions import WSManFaultError
from pypsrp.wsman import NAMESPACES, SelectorSet, WSMan

WMI = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/"
WSMAN = NAMESPACES["wsman"]
WSEN = NAMESPACES["wsen"]


def enumerate_body(max_elements, wql=None):
    body = ET.Element("{%s}Enumerate" % WSEN)
    ET.SubElement(body, "{%s}OptimizeEnumeration" % WSMAN)
    ET.SubElement(body, "{%s}MaxElements" % WSMAN).text = str(max_elements)
    if wql:
        query = ET.SubElement(body, "{%s}Filter" % WSMAN, Dialect="http://schemas.microsoft.com/wbem/wsman/1/WQL")
        query.text = wql
    return body


def pull_body(context, max_elements):
    body = ET.Element("{%s}Pull" % WSEN)
    ET.SubElement(body, "{%s}EnumerationContext" % WSEN).text = context
    ET.SubElement(body, "{%s}MaxElements" % WSEN).text = str(max_elements)
    return body


def enumerate_all(wsman, uri, max_elements, wql=None):
    """Enumerate then Pull until EndOfSequence; returns (items, round trips)."""
    response = wsman.enumerate(uri, enumerate_body(max_elements, wql))
    node = response.find("wsen:EnumerateResponse", NAMESPACES)
    items = list(node.find("wsman:Items", NAMESPACES))
    trips = 1
    while node.find("wsman:EndOfSequence", NAMESPACES) is None and node.find("wsen:EndOfSequence", NAMESPACES) is None:
        context = node.find("wsen:EnumerationContext", NAMESPACES).text
        node = wsman.pull(uri, pull_body(context, max_elements)).find("wsen:PullResponse", NAMESPACES)
        items.extend(list(node.find("wsen:Items", NAMESPACES)))
        trips += 1
    return items, trips


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    wsman = WSMan(host, port=port, username=os.environ["CIMSWEEP_USERNAME"], password=os.environ["CIMSWEEP_PASSWORD"],
                  ssl=False, auth="basic", encryption="never", operation_timeout=20)
    result = {}
    processes, trips = enumerate_all(wsman, WMI + "Win32_Process", 50)
    ns = WMI + "Win32_Process"
    result["processes"] = len(processes)
    result["process_round_trips"] = trips
    result["handles"] = [item.find("{%s}Handle" % ns).text for item in processes]
    running, _ = enumerate_all(wsman, WMI + "*", 100, "SELECT Name FROM Win32_Service WHERE State = 'Running'")
    result["running_services"] = sorted(item.find("Name").text for item in running)
    selectors = SelectorSet()
    selectors.add_option("Name", "WinRM")
    service = wsman.get(WMI + "Win32_Service", selector_set=selectors)
    result["winrm_display_name"] = service.find("{%s}Win32_Service/{%s}DisplayName" % (WMI + "Win32_Service", WMI + "Win32_Service")).text
    bad = SelectorSet()
    bad.add_option("Name", "NoSuchService")
    try:
        wsman.get(WMI + "Win32_Service", selector_set=bad)
        result["fault_code"] = None
    except WSManFaultError as fault:
        result["fault_code"] = fault.code
    print(json.dumps(result))


if __name__ == "__main__":
    main()
