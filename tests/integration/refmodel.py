"""refmodel.py - reference model of sgd's inbound decision (docs/semantics.md).

Written from docs/semantics.md, not from sgd's C code, so that the random test
(randtest.py) compares two independent readings of the same semantics.

A scenario is plain data:
  groups:       {gid: {"type": "normal"|"enterprise", "inner": "Accept"|"Drop",
                       "rules": [rule, ...]}}
  prefix_lists: {plid: {"family": 4|6, "entries": [cidr, ...]}}
  port_lists:   {prlid: {"entries": [(lo, hi), ...]}}
  nics:         {nicid: {"dev": "h1" or "" (remote), "addrs": [ip, ...],
                         "groups": [gid, ...]}}
A rule:
  {"policy": "accept"|"drop", "priority": 1..100,
   "proto": "TCP"|"UDP"|"ICMP"|"ICMPv6"|"GRE"|"ALL"|"<0-255>",
   "src": {"cidr": c} | {"pl": plid} | {"group": gid},
   "dst": cidr or None, "dport": (lo, hi) or None, "port_list": prlid or None,
   "sport": (lo, hi) or None}
A packet: {"src": ip, "dst": ip, "proto": int, "sport": int, "dport": int}.

Decision for a packet entering NIC n (new flows only: the probes never reuse
a flow, so step 1 of docs/semantics.md, conntrack, never applies):
  2. the sender is a NIC (by source address) sharing with n a basic group
     whose InnerAccessPolicy is Accept -> accept;
  3. the rules of all of n's groups, merged: the lowest priority number that
     has a matching rule decides; at that priority any drop wins;
  4. otherwise drop.
Protocol families (docs/semantics.md): the name ICMP means ICMP for IPv4
packets and ICMPv6 for IPv6 ones; ICMPv6 is IPv6 only.  Ports exist for TCP and UDP only.
"""
import ipaddress

PROTO_NUM = {"TCP": 6, "UDP": 17, "ICMP": 1, "ICMPV6": 58, "GRE": 47}


def family(ip):
    return ipaddress.ip_address(ip).version


def in_cidr(ip, cidr):
    a = ipaddress.ip_address(ip)
    n = ipaddress.ip_network(cidr, strict=False)
    return a.version == n.version and a in n


def in_range(v, rng):
    return rng[0] <= v <= rng[1]


def group_members(scn, gid):
    """Current addresses of every NIC in group gid."""
    out = set()
    for nic in scn["nics"].values():
        if gid in nic["groups"]:
            out.update(str(ipaddress.ip_address(a)) for a in nic["addrs"])
    return out


def source_matches(scn, rule, pkt):
    s = rule["src"]
    if "cidr" in s:
        return in_cidr(pkt["src"], s["cidr"])
    if "pl" in s:
        pl = scn["prefix_lists"][s["pl"]]
        return pl["family"] == family(pkt["src"]) and any(in_cidr(pkt["src"], c) for c in pl["entries"])
    return str(ipaddress.ip_address(pkt["src"])) in group_members(scn, s["group"])


def proto_matches(rule, pkt):
    p = rule["proto"].upper()
    if p == "ALL":
        return True
    if p == "ICMP":
        return pkt["proto"] == (1 if family(pkt["src"]) == 4 else 58)
    if p == "ICMPV6" and family(pkt["src"]) != 6:
        return False
    want = PROTO_NUM[p] if p in PROTO_NUM else int(p)
    return pkt["proto"] == want


def ports_match(scn, rule, pkt):
    if rule["proto"].upper() not in ("TCP", "UDP"):
        return True
    if rule.get("port_list"):
        ok = any(in_range(pkt["dport"], r) for r in scn["port_lists"][rule["port_list"]]["entries"])
    else:
        ok = rule["dport"] is None or in_range(pkt["dport"], rule["dport"])
    if rule.get("sport"):
        ok = ok and in_range(pkt["sport"], rule["sport"])
    return ok


def rule_matches(scn, rule, pkt):
    if rule.get("dst") and not in_cidr(pkt["dst"], rule["dst"]):
        return False
    return proto_matches(rule, pkt) and source_matches(scn, rule, pkt) and ports_match(scn, rule, pkt)


def decide(scn, nic_id, pkt):
    """Returns (verdict, reason): verdict "pass" or "drop"."""
    nic = scn["nics"][nic_id]
    src = str(ipaddress.ip_address(pkt["src"]))
    # 2. intra-group Accept
    for other_id, other in scn["nics"].items():
        if other_id == nic_id or src not in {str(ipaddress.ip_address(a)) for a in other["addrs"]}:
            continue
        for gid in nic["groups"]:
            g = scn["groups"][gid]
            if gid in other["groups"] and g["type"] == "normal" and g["inner"] == "Accept":
                return "pass", "intra-group: sender %s shares %s (InnerAccessPolicy Accept)" % (other_id, gid)
    # 3. merged rules by priority, drop first at equal priority
    matched = []
    for gid in nic["groups"]:
        for r in scn["groups"][gid]["rules"]:
            if rule_matches(scn, r, pkt):
                matched.append((gid, r))
    if matched:
        best = min(r["priority"] for _, r in matched)
        top = [(g, r) for g, r in matched if r["priority"] == best]
        drops = [(g, r) for g, r in top if r["policy"] == "drop"]
        g, r = (drops or top)[0]
        tie = " (drop over accept at equal priority)" if drops and len(drops) < len(top) else ""
        return ("drop" if drops else "pass"), "rule of %s: %s%s" % (g, describe_rule(r), tie)
    # 4. default
    return "drop", "no rule matches (default drop)"


def describe_rule(r):
    s = r["src"]
    src = s.get("cidr") or ("pl " + s["pl"] if "pl" in s else "group " + s.get("group", "?"))
    parts = ["%s prio %d %s from %s" % (r["policy"], r["priority"], r["proto"], src)]
    if r.get("port_list"):
        parts.append("ports %s" % r["port_list"])
    elif r.get("dport"):
        parts.append("dport %d-%d" % tuple(r["dport"]))
    if r.get("sport"):
        parts.append("sport %d-%d" % tuple(r["sport"]))
    if r.get("dst"):
        parts.append("to %s" % r["dst"])
    if r.get("id"):
        parts.append("[%s]" % r["id"])
    return " ".join(parts)


def _selftest():
    """Hand-checked cases of the decision procedure (python3 refmodel.py)."""
    scn = {
        "groups": {
            "A": {"type": "normal", "inner": "Accept", "rules": [
                {"policy": "accept", "priority": 5, "proto": "TCP", "src": {"cidr": "203.0.113.0/24"},
                 "dst": None, "dport": (1000, 1999), "port_list": None, "sport": None},
                {"policy": "accept", "priority": 1, "proto": "ICMPv6", "src": {"cidr": "2001:db8::/32"},
                 "dst": None, "dport": None, "port_list": None, "sport": None},
            ]},
            "B": {"type": "normal", "inner": "Drop", "rules": [
                {"policy": "drop", "priority": 5, "proto": "TCP", "src": {"cidr": "203.0.113.0/24"},
                 "dst": None, "dport": (1500, 1500), "port_list": None, "sport": None},
                {"policy": "accept", "priority": 2, "proto": "ALL", "src": {"group": "C"},
                 "dst": None, "dport": None, "port_list": None, "sport": None},
            ]},
            "C": {"type": "normal", "inner": "Accept", "rules": []},
        },
        "prefix_lists": {}, "port_lists": {},
        "nics": {
            "n": {"dev": "h1", "addrs": ["192.0.2.17"], "groups": ["A", "B"]},
            "peer": {"dev": "", "addrs": ["198.51.100.9"], "groups": ["A"]},
            "other": {"dev": "", "addrs": ["198.51.100.10", "2001:db8:c::10"], "groups": ["C"]},
        },
    }
    P = lambda s, p, d=0, sp=40000: {"src": s, "dst": "192.0.2.17", "proto": p, "sport": sp, "dport": d}
    cases = [
        (P("203.0.113.5", 6, 1400), "pass"), (P("203.0.113.5", 6, 1500), "drop"),
        (P("203.0.113.5", 6, 2000), "drop"), (P("198.51.100.9", 99), "pass"),
        (P("198.51.100.10", 47), "pass"), (P("2001:db8:c::10", 58), "pass"),
        (P("2001:db8:c::11", 58), "pass"), (P("2001:db8:c::11", 6, 22), "drop"),
        (P("203.0.113.5", 1), "drop"),
    ]
    for pkt, want in cases:
        got, why = decide(scn, "n", pkt)
        assert got == want, (pkt, want, got, why)
    print("refmodel selftest: %d cases ok" % len(cases))


if __name__ == "__main__":
    _selftest()
