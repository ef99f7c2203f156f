#!/usr/bin/env python3
"""randtest.py - random security groups applied through sgctl, thousands of
probes sent with `probe`, every verdict compared with refmodel.py.

Driven by t_random.sh, which builds the topology and starts sgd.  From one
seed it generates groups, rules, prefix lists, port lists and remote NICs,
applies them, sends packets towards the managed NIC, and requires zero
disagreements.  Then it mutates the state (revoke, authorize, edit lists,
join/leave, inner policy) and does it again, for --rounds rounds.
"""
import argparse
import ipaddress
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refmodel  # noqa: E402

NUM_PROTOS = ["99", "114", "253", "254"]  # conntrack treats these generically
BAD_PORTS = {67, 68, 546, 547}            # DHCP replies are platform traffic


class Fail(Exception):
    pass


class Sgctl:
    def __init__(self, binary, sock):
        self.binary, self.sock, self.calls = binary, sock, 0

    def __call__(self, action, *args, pos=None):
        cmd = [self.binary, "--socket", self.sock, action] + ([pos] if pos else []) + list(args)
        self.calls += 1
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        if p.returncode != 0:
            raise Fail("sgctl %s failed (exit %d): %s %s" % (" ".join(cmd[3:]), p.returncode,
                                                              p.stderr.strip(), p.stdout.strip()))
        return json.loads(p.stdout) if p.stdout.strip() else {}


def rand_subnet(rng, pool, minlen, maxlen):
    net = ipaddress.ip_network(pool)
    plen = rng.randint(max(minlen, net.prefixlen), maxlen)
    host = rng.randrange(net.num_addresses)
    return ipaddress.ip_network((int(net.network_address) + host, plen), strict=False)


def rand_addr(rng, pool):
    net = ipaddress.ip_network(pool)
    return net.network_address + rng.randrange(net.num_addresses)


def rand_range(rng, lo=1, hi=64):
    a = rng.randint(lo, hi)
    b = min(65535, a + rng.choice([0, 0, 1, 3, 10, 40]))
    return (a, b)


class Scenario:
    """The generated state, in refmodel's format, plus what sgctl needs."""

    def __init__(self, args, rng, ctl):
        self.a, self.rng, self.ctl = args, rng, ctl
        self.scn = {"groups": {}, "prefix_lists": {}, "port_lists": {}, "nics": {}}
        self.src4, self.src6 = args.src4.split(","), args.src6.split(",")
        self.dst4, self.dst6 = args.dst4.split(","), args.dst6.split(",")
        self.used_addrs = {args.nic4, args.nic6}
        self.nic_id = None
        self.gtype = "normal"

    # ---- creation ----

    def create(self):
        rng, s = self.rng, self.scn
        self.gtype = "enterprise" if rng.random() < 0.2 else "normal"
        for i in range(rng.randint(3, 5)):
            gtype = self.gtype if i < 3 else rng.choice(["normal", "enterprise"])
            gid = self.ctl("create-security-group", "SecurityGroupName=rand-sg-%d" % i, "VpcId=vpc-1",
                           "SecurityGroupType=%s" % gtype)["SecurityGroupId"]
            s["groups"][gid] = {"type": gtype, "inner": "Accept", "rules": []}
        for i in range(rng.randint(0, 3)):
            self.new_prefix_list(i)
        for i in range(rng.randint(0, 2)):
            self.new_port_list(i)
        gids = list(s["groups"])
        mine = [g for g in gids if s["groups"][g]["type"] == self.gtype]
        ngroups = rng.randint(1, min(3, len(mine)))
        self.nic_id = self.new_nic(self.a.dev, [self.a.nic4, self.a.nic6], rng.sample(mine, ngroups))
        for i in range(rng.randint(2, 6)):
            self.new_remote_nic()
        for gid in gids:
            g = s["groups"][gid]
            if g["type"] == "normal" and rng.random() < 0.3:
                self.set_inner(gid, "Drop")
        for gid in gids:
            self.authorize(gid, [self.rand_rule(gid) for _ in range(rng.randint(0, 14))])

    def new_prefix_list(self, i):
        rng = self.rng
        fam = rng.choice([4, 6])
        entries = self.disjoint_cidrs(fam, rng.randint(1, 4))
        args = ["PrefixListName=rand-pl-%d" % i, "AddressFamily=IPv%d" % fam, "MaxEntries=10"]
        args += ["Entry.%d.Cidr=%s" % (k + 1, c) for k, c in enumerate(entries)]
        plid = self.ctl("create-prefix-list", *args)["PrefixListId"]
        self.scn["prefix_lists"][plid] = {"family": fam, "entries": entries}

    def disjoint_cidrs(self, fam, n, avoid=()):
        out = list(avoid)
        for _ in range(50):
            if len(out) - len(avoid) >= n:
                break
            pool = self.rng.choice(self.src4 if fam == 4 else self.src6)
            c = rand_subnet(self.rng, pool, 26 if fam == 4 else 64, 32 if fam == 4 else 128)
            if all(not c.overlaps(ipaddress.ip_network(o)) for o in out):
                out.append(str(c))
        return out[len(avoid):]

    def new_port_list(self, i):
        entries = self.disjoint_ranges(self.rng.randint(1, 4))
        args = ["PortRangeListName=rand-ports-%d" % i, "MaxEntries=8"]
        args += ["Entry.%d.PortRange=%d/%d" % (k + 1, lo, hi) for k, (lo, hi) in enumerate(entries)]
        prlid = self.ctl("create-port-range-list", *args)["PortRangeListId"]
        self.scn["port_lists"][prlid] = {"entries": entries}

    def disjoint_ranges(self, n, avoid=()):
        out = list(avoid)
        for _ in range(50):
            if len(out) - len(avoid) >= n:
                break
            r = rand_range(self.rng)
            if all(r[1] < o[0] or r[0] > o[1] for o in out) and not BAD_PORTS & set(range(r[0], r[1] + 1)):
                out.append(r)
        return out[len(avoid):]

    def new_nic(self, dev, addrs, groups):
        args = ["VpcId=vpc-1"] + (["HostDevice=%s" % dev] if dev else [])
        v4 = [a for a in addrs if a and refmodel.family(a) == 4]
        v6 = [a for a in addrs if a and refmodel.family(a) == 6]
        if v4:
            args.append("PrimaryIpAddress=%s" % v4[0])
        args += ["Ipv6Addresses.%d=%s" % (k + 1, a) for k, a in enumerate(v6)]
        args += ["SecurityGroupIds.%d=%s" % (k + 1, g) for k, g in enumerate(groups)]
        nid = self.ctl("create-network-interface", *args)["NetworkInterfaceId"]
        self.scn["nics"][nid] = {"dev": dev, "addrs": v4 + v6, "groups": list(groups)}
        return nid

    def fresh_addr(self, fam):
        for _ in range(100):
            a = str(rand_addr(self.rng, self.rng.choice(self.src4 if fam == 4 else self.src6)))
            if a not in self.used_addrs:
                self.used_addrs.add(a)
                return a
        raise Fail("address pool exhausted")

    def new_remote_nic(self):
        rng = self.rng
        gtype = rng.choice(["normal", "normal", "enterprise"])
        same = [g for g, v in self.scn["groups"].items() if v["type"] == gtype]
        if not same:
            return
        addrs = [self.fresh_addr(4)] + ([self.fresh_addr(6)] if rng.random() < 0.5 else [])
        self.new_nic("", addrs, rng.sample(same, rng.randint(1, min(2, len(same)))))

    def set_inner(self, gid, policy):
        self.ctl("modify-security-group-policy", "InnerAccessPolicy=%s" % policy, pos=gid)
        self.scn["groups"][gid]["inner"] = policy

    # ---- rules ----

    def rand_rule(self, gid):
        base = self.overlap_base(gid)
        if base and self.rng.random() < 0.4:
            return self.sibling(base)
        return self.fresh_rule(gid)

    def overlap_base(self, gid):
        """A rule this one may overlap with: of any group of the managed NIC."""
        s = self.scn
        if not self.nic_id or gid not in s["nics"][self.nic_id]["groups"]:
            return None
        pool = [r for g in s["nics"][self.nic_id]["groups"] for r in s["groups"][g]["rules"]]
        pool = [r for r in pool if not (r["src"].get("group") == gid or
                                         ("group" in r["src"] and s["groups"][gid]["type"] != "normal"))]
        return self.rng.choice(pool) if pool else None

    def sibling(self, b):
        """A copy of rule b that overlaps it: opposite policy or another
        priority, a sub- or super-network, an overlapping port range."""
        rng = self.rng
        r = dict(b)
        r.pop("id", None)
        if rng.random() < 0.7:
            r["policy"] = "drop" if b["policy"] == "accept" else "accept"
        if rng.random() < 0.4:
            r["priority"] = rng.choice([1, 2, 3, 5, 50, 100])
        if "cidr" in b["src"] and rng.random() < 0.6:
            net = ipaddress.ip_network(b["src"]["cidr"])
            if rng.random() < 0.5 and net.prefixlen > (16 if net.version == 4 else 40):
                net = net.supernet(rng.randint(1, min(4, net.prefixlen - (16 if net.version == 4 else 40))))
            elif net.prefixlen < net.max_prefixlen:
                net = rand_subnet(rng, str(net), net.prefixlen + 1, min(net.max_prefixlen, net.prefixlen + 6))
            r["src"] = {"cidr": str(net)}
        if b["dport"] and rng.random() < 0.5:
            lo, hi = b["dport"]
            nlo = max(1, lo + rng.randint(-3, 3))
            nhi = min(65535, max(nlo, hi + rng.randint(-3, 3)))
            if not BAD_PORTS & set(range(nlo, nhi + 1)):
                r["dport"] = (nlo, nhi)
        if "cidr" in r["src"] and r["dst"] == r["src"]["cidr"]:
            r["dst"] = None
        return r

    def fresh_rule(self, gid):
        rng, s = self.rng, self.scn
        g = s["groups"][gid]
        kinds = ["cidr4"] * 4 + ["cidr6"] * 2
        if s["prefix_lists"]:
            kinds += ["pl"] * 2
        others = [o for o in s["groups"] if o != gid]
        nsrc = sum(1 for r in g["rules"] if "group" in r["src"])
        if g["type"] == "normal" and others and nsrc < 5:
            kinds += ["group"] * 2
        kind = rng.choice(kinds)
        if kind == "cidr4":
            src = {"cidr": self.rand_cidr(4)}
            fam = 4
        elif kind == "cidr6":
            src = {"cidr": self.rand_cidr(6)}
            fam = 6
        elif kind == "pl":
            plid = rng.choice(list(s["prefix_lists"]))
            src, fam = {"pl": plid}, s["prefix_lists"][plid]["family"]
        else:
            src, fam = {"group": rng.choice(others)}, 0
        protos = ["TCP"] * 4 + ["UDP"] * 3 + ["GRE", "ALL"] + NUM_PROTOS[:2]
        if fam == 4:
            protos += ["ICMP"] * 2
        elif fam == 6:
            protos += ["ICMPv6", "ICMP"]
        else:
            protos += ["ICMP", "ICMPv6"]
        proto = rng.choice(protos)
        r = {"policy": rng.choice(["accept", "accept", "drop"]), "priority": rng.choice([1, 1, 2, 3, 5, 50, 100]),
             "proto": proto, "src": src, "dst": None, "dport": None, "port_list": None, "sport": None}
        if proto in ("TCP", "UDP"):
            if s["port_lists"] and rng.random() < 0.25:
                r["port_list"] = rng.choice(list(s["port_lists"]))
            else:
                r["dport"] = (1, 65535) if rng.random() < 0.1 else self.rand_ports()
            if rng.random() < 0.2:
                r["sport"] = self.rand_ports(lo=1024, hi=1100)
        if rng.random() < 0.2:
            dfam = fam or rng.choice([4, 6])
            if proto == "ICMPv6":
                dfam = 6
            pool = self.dst4 if dfam == 4 else self.dst6
            r["dst"] = str(rand_subnet(rng, rng.choice(pool), 24 if dfam == 4 else 64,
                                       32 if dfam == 4 else 128))
            if "cidr" in src and src["cidr"] == r["dst"]:
                r["dst"] = None
        return r

    def rand_cidr(self, fam):
        rng = self.rng
        if rng.random() < 0.05:
            return "0.0.0.0/0" if fam == 4 else "::/0"
        pools = self.src4 if fam == 4 else self.src6
        if rng.random() < 0.2:  # a member's address exactly
            addrs = [a for n in self.scn["nics"].values() for a in n["addrs"] if refmodel.family(a) == fam]
            if addrs:
                return "%s/%d" % (rng.choice(addrs), 32 if fam == 4 else 128)
        return str(rand_subnet(rng, rng.choice(pools), 16 if fam == 4 else 40, 32 if fam == 4 else 128))

    def rand_ports(self, lo=1, hi=64):
        for _ in range(20):
            r = rand_range(self.rng, lo, hi)
            if not BAD_PORTS & set(range(r[0], r[1] + 1)):
                return r
        return (1000, 1000)

    @staticmethod
    def identity(r):
        s = r["src"]
        return (tuple(sorted(s.items())), r["dst"], r["proto"].upper(), r["dport"], r["port_list"],
                r["sport"], r["policy"])

    def perm_args(self, k, r, with_prio=True):
        p = "Permissions.%d." % k
        s, out = r["src"], []
        if "cidr" in s:
            key = "SourceCidrIp" if refmodel.family(s["cidr"].split("/")[0]) == 4 else "Ipv6SourceCidrIp"
            out.append(p + key + "=" + s["cidr"])
        elif "pl" in s:
            out.append(p + "SourcePrefixListId=" + s["pl"])
        else:
            out.append(p + "SourceGroupId=" + s["group"])
        if r["dst"]:
            key = "DestCidrIp" if ":" not in r["dst"] else "Ipv6DestCidrIp"
            out.append(p + key + "=" + r["dst"])
        out.append(p + "IpProtocol=" + r["proto"])
        if r["port_list"]:
            out.append(p + "PortRangeListId=" + r["port_list"])
        elif r["dport"]:
            out.append(p + "PortRange=%d/%d" % r["dport"])
        else:
            out.append(p + "PortRange=-1/-1")
        if r["sport"]:
            out.append(p + "SourcePortRange=%d/%d" % r["sport"])
        out.append(p + "Policy=" + r["policy"].capitalize())
        if with_prio:
            out.append(p + "Priority=%d" % r["priority"])
        return out

    def authorize(self, gid, rules):
        g = self.scn["groups"][gid]
        have = {self.identity(r) for r in g["rules"]}
        fresh = []
        nsrc = sum(1 for r in g["rules"] if "group" in r["src"])
        for r in rules:
            if "group" in r["src"]:
                if nsrc >= 20:  # quota: 20 group-sourced rules per basic group
                    continue
                nsrc += 1
            if self.identity(r) not in have:
                have.add(self.identity(r))
                fresh.append(r)
        for i in range(0, len(fresh), 10):
            chunk = fresh[i:i + 10]
            args = [a for k, r in enumerate(chunk) for a in self.perm_args(k + 1, r)]
            self.ctl("authorize-security-group", *args, pos=gid)
            g["rules"].extend(chunk)

    # ---- mutations between rounds ----

    def mutate(self):
        rng, s = self.rng, self.scn
        log = []
        for gid, g in s["groups"].items():
            if g["rules"] and rng.random() < 0.6:
                victims = rng.sample(g["rules"], rng.randint(1, max(1, len(g["rules"]) // 3)))
                args = [a for k, r in enumerate(victims) for a in self.perm_args(k + 1, r, with_prio=False)]
                self.ctl("revoke-security-group", *args, pos=gid)
                g["rules"] = [r for r in g["rules"] if r not in victims]
                log.append("revoked %d rules of %s" % (len(victims), gid))
            if rng.random() < 0.6:
                new = [self.rand_rule(gid) for _ in range(rng.randint(1, 5))]
                self.authorize(gid, new)
                log.append("authorized up to %d rules in %s" % (len(new), gid))
            if g["type"] == "normal" and rng.random() < 0.2:
                self.set_inner(gid, "Drop" if g["inner"] == "Accept" else "Accept")
                log.append("%s InnerAccessPolicy=%s" % (gid, g["inner"]))
        for plid, pl in s["prefix_lists"].items():
            if rng.random() < 0.7:
                add = self.disjoint_cidrs(pl["family"], rng.randint(0, 2), avoid=pl["entries"])
                rem = rng.sample(pl["entries"], rng.randint(0, len(pl["entries"]) - 1 if pl["entries"] else 0))
                if len(pl["entries"]) + len(add) - len(rem) > 10 or not (add or rem):
                    continue
                args = ["AddEntry.%d.Cidr=%s" % (k + 1, c) for k, c in enumerate(add)]
                args += ["RemoveEntry.%d.Cidr=%s" % (k + 1, c) for k, c in enumerate(rem)]
                self.ctl("modify-prefix-list", *args, pos=plid)
                pl["entries"] = [c for c in pl["entries"] if c not in rem] + add
                log.append("prefix list %s +%d -%d" % (plid, len(add), len(rem)))
        for prlid, prl in s["port_lists"].items():
            if rng.random() < 0.7:
                add = self.disjoint_ranges(rng.randint(0, 2), avoid=prl["entries"])
                rem = rng.sample(prl["entries"], rng.randint(0, len(prl["entries"]) - 1 if prl["entries"] else 0))
                if len(prl["entries"]) + len(add) - len(rem) > 8 or not (add or rem):
                    continue
                args = ["AddEntry.%d.PortRange=%d/%d" % (k + 1, lo, hi) for k, (lo, hi) in enumerate(add)]
                args += ["RemoveEntry.%d.PortRange=%d/%d" % (k + 1, lo, hi) for k, (lo, hi) in enumerate(rem)]
                self.ctl("modify-port-range-list", *args, pos=prlid)
                prl["entries"] = [r for r in prl["entries"] if r not in rem] + add
                log.append("port list %s +%d -%d" % (prlid, len(add), len(rem)))
        for nid, nic in s["nics"].items():
            if nid == self.nic_id or rng.random() < 0.6:
                continue
            gtype = s["groups"][nic["groups"][0]]["type"]
            joinable = [g for g, v in s["groups"].items() if v["type"] == gtype and g not in nic["groups"]]
            if joinable and (len(nic["groups"]) == 1 or rng.random() < 0.5) and len(nic["groups"]) < 5:
                g = rng.choice(joinable)
                self.ctl("join-security-group", "NetworkInterfaceId=" + nid, "SecurityGroupId=" + g)
                nic["groups"].append(g)
                log.append("%s joined %s" % (nid, g))
            elif len(nic["groups"]) > 1:
                g = rng.choice(nic["groups"])
                self.ctl("leave-security-group", "NetworkInterfaceId=" + nid, "SecurityGroupId=" + g)
                nic["groups"].remove(g)
                log.append("%s left %s" % (nid, g))
        if rng.random() < 0.5:
            self.new_remote_nic()
            log.append("new remote NIC")
        return log

    # ---- packets ----

    def packets(self, n, seen):
        rng, s = self.rng, self.scn
        rules = [r for gid in s["nics"][self.nic_id]["groups"] for r in s["groups"][gid]["rules"]]
        members = [a for nid, v in s["nics"].items() if nid != self.nic_id for a in v["addrs"]]
        out = []
        for _ in range(n * 3):
            if len(out) >= n:
                break
            pkt = self.packet_near(rng.choice(rules)) if rules and rng.random() < 0.7 else None
            if pkt is None:
                pkt = self.packet_random(members)
            key = (pkt["src"], pkt["dst"], pkt["proto"], pkt["sport"], pkt["dport"])
            if key in seen or pkt["src"] in (self.a.nic4, self.a.nic6):
                continue
            seen.add(key)
            out.append(pkt)
        return out

    def proto_for(self, rule_proto, fam):
        p = rule_proto.upper()
        if p == "ALL":
            return self.rng.choice([6, 17, 47, 1 if fam == 4 else 58] + [int(x) for x in NUM_PROTOS])
        if p == "ICMP":
            return 1 if fam == 4 else 58
        if p == "ICMPV6":
            return 58
        return refmodel.PROTO_NUM.get(p) or int(p)

    def packet_near(self, r):
        """A packet that probably matches rule r, sometimes just outside it."""
        rng, s = self.rng, self.scn
        src = r["src"]
        if "cidr" in src:
            net = ipaddress.ip_network(src["cidr"])
            addr = self.edge_addr(net)
        elif "pl" in src:
            pl = s["prefix_lists"][src["pl"]]
            addr = self.edge_addr(ipaddress.ip_network(rng.choice(pl["entries"])))
        else:
            mem = sorted(refmodel.group_members(s, src["group"]))
            if not mem:
                return None
            addr = ipaddress.ip_address(rng.choice(mem))
        fam = addr.version
        if r["proto"].upper() == "ICMPV6" and fam != 6:
            return None
        proto = self.proto_for(r["proto"], fam)
        if r["dst"] and ipaddress.ip_network(r["dst"]).version == fam:
            dst = self.edge_addr(ipaddress.ip_network(r["dst"]))
            if not self.in_dst_pool(dst):
                dst = ipaddress.ip_address(self.a.nic4 if fam == 4 else self.a.nic6)
        else:
            dst = self.rand_dst(fam)
        dport = self.port_near(r["dport"] or (rng.choice(s["port_lists"][r["port_list"]]["entries"])
                                              if r["port_list"] else None))
        sport = self.port_near(r["sport"]) if r["sport"] else rng.randint(1024, 65000)
        return self.mk(addr, dst, proto, sport, dport)

    def packet_random(self, members):
        rng = self.rng
        if members and rng.random() < 0.3:
            src = ipaddress.ip_address(rng.choice(members))
        else:
            fam = rng.choice([4, 4, 6])
            src = rand_addr(rng, rng.choice(self.src4 if fam == 4 else self.src6))
        fam = src.version
        proto = rng.choice([6, 6, 17, 17, 47, 1 if fam == 4 else 58] + [int(x) for x in NUM_PROTOS])
        return self.mk(src, self.rand_dst(fam), proto, rng.randint(1024, 1200), rng.randint(1, 70))

    def mk(self, src, dst, proto, sport, dport):
        sport = sport if sport not in BAD_PORTS else 1999
        dport = dport if dport not in BAD_PORTS else 1999
        if proto not in (6, 17):
            dport = 0
        return {"src": str(src), "dst": str(dst), "proto": proto, "sport": sport, "dport": dport}

    def edge_addr(self, net):
        """First, last, or a random address of net; sometimes one outside it."""
        rng = self.rng
        lo, hi = int(net.network_address), int(net.broadcast_address)
        top = (1 << net.max_prefixlen) - 1
        c = rng.random()
        if c < 0.2:
            v = lo
        elif c < 0.4:
            v = hi
        elif c < 0.5:
            v = max(0, lo - 1)
        elif c < 0.6:
            v = min(top, hi + 1)
        else:
            v = rng.randint(lo, hi)
        a = ipaddress.ip_address(v) if net.version == 4 else ipaddress.IPv6Address(v)
        if not self.in_src_pool(a):  # keep probes inside the documentation ranges
            a = rand_addr(rng, rng.choice(self.src4 if net.version == 4 else self.src6))
        return a

    def in_src_pool(self, a):
        return any(a in ipaddress.ip_network(p) for p in (self.src4 if a.version == 4 else self.src6))

    def in_dst_pool(self, a):
        return any(a in ipaddress.ip_network(p) for p in (self.dst4 if a.version == 4 else self.dst6))

    def rand_dst(self, fam):
        if self.rng.random() < 0.3:
            return ipaddress.ip_address(self.a.nic4 if fam == 4 else self.a.nic6)
        return rand_addr(self.rng, self.rng.choice(self.dst4 if fam == 4 else self.dst6))

    def port_near(self, rng_):
        if not rng_:
            return self.rng.randint(1, 70)
        lo, hi = rng_
        c = self.rng.random()
        if c < 0.25:
            return lo
        if c < 0.5:
            return hi
        if c < 0.6:
            return max(1, lo - 1)
        if c < 0.7:
            return min(65535, hi + 1)
        return self.rng.randint(lo, hi)


def send(args, pkts, first_id):
    name = {6: "tcp", 17: "udp", 1: "icmp", 58: "icmp", 47: "gre"}
    with tempfile.NamedTemporaryFile("w", suffix=".probes", delete=False) as f:
        for i, p in enumerate(pkts):
            f.write("%d %s %s %s %d %d\n" % (first_id + i, name.get(p["proto"], str(p["proto"])),
                                             p["src"], p["dst"], p["sport"], p["dport"]))
        path = f.name
    try:
        proc = subprocess.run([args.probe, "run", "--send-ns", args.send_ns, "--dev", args.send_dev,
                               "--dmac", args.dmac, "--recv-ns", args.recv_ns, "--file", path],
                              capture_output=True, text=True, timeout=120)
    finally:
        os.unlink(path)
    if proc.returncode != 0:
        raise Fail("probe failed: " + proc.stderr.strip())
    got = {}
    for line in proc.stdout.splitlines():
        i, v = line.split()
        got[int(i)] = v
    return [got.get(first_id + i, "missing") for i in range(len(pkts))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--sgctl", required=True)
    ap.add_argument("--socket", required=True)
    ap.add_argument("--probe", required=True)
    ap.add_argument("--send-ns", required=True)
    ap.add_argument("--send-dev", required=True)
    ap.add_argument("--dmac", required=True)
    ap.add_argument("--recv-ns", required=True)
    ap.add_argument("--dev", required=True, help="HostDevice of the managed NIC")
    ap.add_argument("--nic4", required=True)
    ap.add_argument("--nic6", required=True)
    ap.add_argument("--src4", required=True)
    ap.add_argument("--src6", required=True)
    ap.add_argument("--dst4", required=True)
    ap.add_argument("--dst6", required=True)
    ap.add_argument("--packets", type=int, default=1500)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--dump", help="write the final scenario here (JSON)")
    a = ap.parse_args()

    rng = random.Random(a.seed)
    ctl = Sgctl(a.sgctl, a.socket)
    sc = Scenario(a, rng, ctl)
    seen, total, bad_total, next_id = set(), 0, 0, 1
    try:
        sc.create()
        for rnd in range(1, a.rounds + 1):
            if rnd > 1:
                for line in sc.mutate():
                    print("  mutate: " + line)
            nrules = sum(len(sc.scn["groups"][g]["rules"]) for g in sc.scn["nics"][sc.nic_id]["groups"])
            pkts = sc.packets(a.packets, seen)
            want = [refmodel.decide(sc.scn, sc.nic_id, p) for p in pkts]
            got = send(a, pkts, next_id)
            next_id += len(pkts)
            bad = [(p, w, g) for p, w, g in zip(pkts, want, got) if w[0] != g]
            npass = sum(1 for w in want if w[0] == "pass")
            print("round %d: %d groups on the NIC, %d rules there, %d packets (%d expected to pass), "
                  "%d disagreements" % (rnd, len(sc.scn["nics"][sc.nic_id]["groups"]), nrules, len(pkts),
                                        npass, len(bad)))
            kinds = {"intra-group": 0, "rule accept": 0, "rule drop": 0, "drop over accept": 0, "default drop": 0}
            for w in want:
                k = ("intra-group" if w[1].startswith("intra") else "drop over accept" if "equal priority" in w[1]
                     else "default drop" if "default" in w[1] else "rule " + ("accept" if w[0] == "pass" else "drop"))
                kinds[k] += 1
            print("  decided by: " + ", ".join("%s %d" % kv for kv in kinds.items()))
            for p, w, g in bad[:15]:
                print("  disagree: %s %s:%d -> %s:%d  model %s (%s), kernel %s" % (
                    p["proto"], p["src"], p["sport"], p["dst"], p["dport"], w[0], w[1], g))
            total += len(pkts)
            bad_total += len(bad)
            if bad:
                break
    except Fail as e:
        print("FAIL: %s" % e)
        bad_total += 1
    if a.dump:
        with open(a.dump, "w") as f:
            json.dump({"seed": a.seed, "nic": sc.nic_id, "scenario": sc.scn}, f, indent=1, default=list)
    if bad_total:
        print("FAIL: seed %d: %d disagreement(s) over %d packets (%d sgctl calls)" % (
            a.seed, bad_total, total, ctl.calls))
        if not a.dump:
            print("scenario: " + json.dumps({"nic": sc.nic_id, "scenario": sc.scn}, default=list))
        return 1
    print("seed %d: %d packets, zero disagreements (%d sgctl calls)" % (a.seed, total, ctl.calls))
    return 0


if __name__ == "__main__":
    sys.exit(main())
