'use strict';
// SDK compatibility test: the official Alibaba Cloud SDKs, unchanged, against sgd.
// Run by run.sh inside the namespace where sgd serves HTTPS on 127.0.0.1:$SGD_SDK_PORT
// with a certificate from a throwaway test CA that node trusts through
// NODE_EXTRA_CA_CERTS (the SDKs are not told anything: they verify as usual);
// traffic probes run from the client namespace $SGD_SDK_NS_CLI (see run.sh).
//
// The same scenario runs once through @alicloud/ecs20140526 (signature V3, typed
// request/response models) and once through @alicloud/pop-core (signature V1).
// Every action sgd serves is called through both SDKs, and every success answer
// is held against the ecs20140526 response model of its action (see ok()).
// Each step prints "ok"/"FAIL" with the server's exact answer; the last line is
// "N passed, M failed" and the exit status is 1 when anything failed.

const assert = require('assert');
const fs = require('fs');
const tls = require('tls');
const { spawnSync } = require('child_process');
const Ecs = require('@alicloud/ecs20140526');
const { $OpenApiUtil } = require('@alicloud/openapi-core');
const $dara = require('@darabonba/typescript');
const RPCClient = require('@alicloud/pop-core');

const PORT = Number(process.env.SGD_SDK_PORT || 8780);
const NS_CLI = process.env.SGD_SDK_NS_CLI;
const SGCTL = process.env.SGD_SDK_SGCTL;   // the local administrator's client ...
const SOCK = process.env.SGD_SDK_SOCK;     // ... on sgd's Unix socket
const REGION = 'cn-hangzhou';
const ACCOUNT_A = { id: 'LTAItest0001', secret: 'secret1', accountId: '1000000001' };
const ACCOUNT_B = { id: 'LTAItest0002', secret: 'secret2', accountId: '1000000002' };
const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

// ---------------------------------------------------------------- harness
let passed = 0;
let failed = 0;

class Abort extends Error {}

function describeError(e) {
	if (e && e.sdkError)
		return `${e.sdk} ${e.name}: code=${e.code} status=${e.status} body=${JSON.stringify(e.data)}`;
	if (e instanceof assert.AssertionError) return e.message;
	return (e && e.stack) ? e.stack.split('\n').slice(0, 3).join(' | ') : String(e);
}

async function check(name, fn) {
	try {
		const v = await fn();
		passed++;
		console.log(`ok   ${name}`);
		return v;
	} catch (e) {
		failed++;
		console.log(`FAIL ${name}\n       ${describeError(e)}`);
		return undefined;
	}
}

// A step the rest of a run depends on: a failure aborts the run.
async function must(name, fn) {
	let ok = false;
	const v = await check(name, async () => { const r = await fn(); ok = true; return r; });
	if (!ok) throw new Abort(name);
	return v;
}

// ---------------------------------------------------------------- SDK adapters
// Both adapters take PascalCase parameters (the API's names) and answer
// {body (PascalCase object), raw (typed model for ecs), status}; errors are
// rethrown as {sdkError, sdk, name, code, status, data, orig}.

function ecsClient(key, secret, extra = {}) {
	return new Ecs.default(new $OpenApiUtil.Config(Object.assign({
		accessKeyId: key, accessKeySecret: secret,
		endpoint: `127.0.0.1:${PORT}`, protocol: 'https', regionId: REGION,
	}, extra)));
}

function ecsAdapter(label, key, secret, extra) {
	const client = ecsClient(key, secret, extra);
	// The JSON sgd sent, before the SDK casts it into the typed model (the cast
	// converts numbers to strings and back, which would hide a wrong type).
	let lastJson;
	const callApi = client.callApi.bind(client);
	client.callApi = async (...args) => {
		const res = await callApi(...args);
		lastJson = res && res.body;
		return res;
	};
	return {
		label, sdk: 'ecs20140526',
		// over: {timestamp, nonce} replace what the SDK would generate, through
		// its documented extension point (extra headers are signed as usual).
		async call(action, params, over = {}) {
			const Req = Ecs[`${action}Request`];
			const Body = Ecs[`${action}ResponseBody`];
			assert(Req && Body, `ecs20140526 has no model for ${action}`);
			// Parameters the typed request does not know (sgd's HostDevice) go
			// through the SDK's documented extension point, unchanged SDK.
			const known = new Set(Object.values(Req.names()));
			const typed = {};
			const queries = {};
			for (const [k, v] of Object.entries(params)) {
				if (known.has(k)) typed[k] = v;
				else queries[k] = String(v);
			}
			const req = $dara.cast(typed, new Req({}));
			const headers = {};
			if (over.timestamp) headers['x-acs-date'] = over.timestamp;
			if (over.nonce) headers['x-acs-signature-nonce'] = over.nonce;
			const ext = {};
			if (Object.keys(queries).length) ext.queries = queries;
			if (Object.keys(headers).length) ext.headers = headers;
			const runtime = new $dara.RuntimeOptions(Object.keys(ext).length
				? { extendsParameters: new $dara.ExtendsParameters(ext) } : {});
			const method = `${action[0].toLowerCase()}${action.slice(1)}WithOptions`;
			let res;
			lastJson = undefined;
			try {
				res = await client[method](req, runtime);
			} catch (e) {
				if (e && typeof e.code === 'string' && /Error$/.test(e.name || '') && e.statusCode)
					throw { sdkError: true, sdk: 'ecs20140526', name: e.name, code: e.code,
						status: e.statusCode, data: e.data, orig: e };
				throw e;
			}
			assert(res.body instanceof Body, `${action}: answer is not a typed ${Body.name}`);
			return { body: res.body.toMap(), raw: res.body, json: lastJson, status: res.statusCode };
		},
	};
}

function popAdapter(label, key, secret, methodFor) {
	const client = new RPCClient({
		accessKeyId: key, accessKeySecret: secret,
		endpoint: `https://127.0.0.1:${PORT}`, apiVersion: '2014-05-26',
	}, true /* verbose: [json, entry] to see the HTTP status */);
	return {
		label, sdk: 'pop-core',
		// over: {timestamp, nonce}: pop-core lets caller parameters replace its
		// defaults (Timestamp, SignatureNonce), and signs them.
		async call(action, params, over = {}) {
			const method = methodFor(action);
			const p = Object.assign({}, params);
			if (over.timestamp) p.Timestamp = over.timestamp;
			if (over.nonce) p.SignatureNonce = over.nonce;
			let json, entry;
			try {
				[json, entry] = await client.request(action, p, { method, timeout: 60000 });
			} catch (e) {
				if (e && typeof e.code === 'string' && e.data)
					throw { sdkError: true, sdk: 'pop-core', name: e.name, code: e.code,
						status: e.entry && e.entry.response && e.entry.response.statusCode,
						data: e.data, orig: e };
				throw e;
			}
			return { body: json, raw: json, json, status: entry.response.statusCode };
		},
	};
}

// ---------------------------------------------------------------- response models
// Every success answer, from either SDK, is held against the ecs20140526
// response model of its action: each field the model knows must have the
// model's JSON type (string/number/boolean, an object where the model nests a
// model, an array where it says array, and so on down). Fields the model does
// not know are ignored, as the SDK ignores them.

const isModel = (t) => typeof t === 'function' && typeof t.names === 'function';
const jsonKind = (v) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

function valueProblems(v, t, path, out) {
	if (v === undefined || v === null) return;
	if (typeof t === 'string') {
		if (['any', 'map', 'Readable', 'Writable', 'Buffer'].includes(t)) return;
		if (typeof v !== t) out.push(`${path} is ${jsonKind(v)} ${JSON.stringify(v)}, the model says ${t}`);
	} else if (isModel(t)) {
		if (jsonKind(v) !== 'object') out.push(`${path} is ${jsonKind(v)}, the model says object ${t.name}`);
		else modelProblems(v, t, path, out);
	} else if (t && t.type === 'array') {
		if (!Array.isArray(v)) out.push(`${path} is ${jsonKind(v)}, the model says array`);
		else v.forEach((x, i) => valueProblems(x, t.itemType, `${path}[${i}]`, out));
	} else if (t && t.type === 'map') {
		if (jsonKind(v) !== 'object') out.push(`${path} is ${jsonKind(v)}, the model says map`);
	}
	return out;
}

// json: the answer as sent (PascalCase wire names).
function modelProblems(json, Model, path, out = []) {
	const names = Model.names();
	const types = Model.types();
	for (const k of Object.keys(names)) valueProblems(json[names[k]], types[k], `${path}.${names[k]}`, out);
	return out;
}

// The typed instance the ecs SDK hands its caller (camelCase names): nested
// objects are instances of the nested model classes, scalars of the model's type.
function typedProblems(inst, Model, path, out = []) {
	if (!(inst instanceof Model)) {
		out.push(`${path} is not a ${Model.name}`);
		return out;
	}
	const types = Model.types();
	const check = (v, t, at) => {
		if (v === undefined || v === null) return;
		if (typeof t === 'string') {
			if (!['any', 'map', 'Readable', 'Writable', 'Buffer'].includes(t) && typeof v !== t)
				out.push(`${at} is ${jsonKind(v)}, the model says ${t}`);
		} else if (isModel(t)) {
			typedProblems(v, t, at, out);
		} else if (t && t.type === 'array') {
			if (!Array.isArray(v)) out.push(`${at} is ${jsonKind(v)}, the model says array`);
			else v.forEach((x, i) => check(x, t.itemType, `${at}[${i}]`));
		}
	};
	for (const k of Object.keys(types)) check(inst[k], types[k], `${path}.${k}`);
	return out;
}

// SGD_SDK_FIELDS=1: at the end, list the model fields sgd never filled, per
// action (a review aid: which fields a real ECS sends that sgd leaves out).
const fieldsSeen = new Map();   // action -> {model: Set, seen: Set}
function modelPaths(Model, path, out) {
	const names = Model.names();
	const types = Model.types();
	for (const k of Object.keys(names)) {
		const at = `${path}.${names[k]}`;
		out.add(at);
		const t = types[k];
		if (isModel(t)) modelPaths(t, at, out);
		else if (t && t.type === 'array' && isModel(t.itemType)) modelPaths(t.itemType, `${at}[]`, out);
	}
	return out;
}
function jsonPaths(v, path, out) {
	if (Array.isArray(v)) v.forEach((x) => jsonPaths(x, `${path}[]`, out));
	else if (jsonKind(v) === 'object') for (const k of Object.keys(v)) { out.add(`${path}.${k}`); jsonPaths(v[k], `${path}.${k}`, out); }
	return out;
}
function noteFields(action, json) {
	if (!process.env.SGD_SDK_FIELDS) return;
	if (!fieldsSeen.has(action))
		fieldsSeen.set(action, { model: modelPaths(Ecs[`${action}ResponseBody`], '', new Set()), seen: new Set() });
	jsonPaths(json, '', fieldsSeen.get(action).seen);
}
function reportFields() {
	for (const [action, { model, seen }] of fieldsSeen) {
		const absent = [...model].filter((f) => !seen.has(f));
		const extra = [...seen].filter((f) => !model.has(f));
		console.log(`# fields ${action}: absent ${absent.join(' ') || '-'}; not in the model ${extra.join(' ') || '-'}`);
	}
}

async function ok(api, action, params, over) {
	const r = await api.call(action, params, over);
	assert.strictEqual(r.status, 200, `${action}: HTTP ${r.status}`);
	assert.strictEqual(typeof r.body.RequestId, 'string', `${action}: no RequestId in ${JSON.stringify(r.body)}`);
	assert(r.body.RequestId.length > 0, `${action}: empty RequestId`);
	const Body = Ecs[`${action}ResponseBody`];
	assert(Body, `ecs20140526 has no response model for ${action}`);
	assert(r.json && jsonKind(r.json) === 'object', `${action}: no JSON object answer captured`);
	assert(!('Code' in r.json), `${action}: a success answer carries Code: ${JSON.stringify(r.json)}`);
	const wrong = modelProblems(r.json, Body, action);
	if (api.sdk === 'ecs20140526') typedProblems(r.raw, Body, `typed ${action}`, wrong);
	noteFields(action, r.json);
	assert(!wrong.length, `${action} answer does not fit ${Body.name}: ${wrong.join('; ')}\n       answer: ${JSON.stringify(r.json)}`);
	return r;
}

// Fields a real ECS always fills: present (not undefined/null) in obj.
function present(obj, fields, what) {
	assert(obj && typeof obj === 'object', `${what}: not an object: ${JSON.stringify(obj)}`);
	const missing = fields.filter((f) => obj[f] === undefined || obj[f] === null);
	assert(!missing.length, `${what} lacks ${missing.join(', ')}: ${JSON.stringify(obj)}`);
}

// The array inside a wrapper object {Inner: [...]}, as the model nests it.
function wrapped(obj, outer, inner) {
	const w = obj[outer];
	assert(jsonKind(w) === 'object', `${outer} must be an object {${inner}: [...]}, got ${JSON.stringify(w)}`);
	assert(Array.isArray(w[inner]), `${outer}.${inner} must be an array, got ${JSON.stringify(w[inner])}`);
	return w[inner];
}

const TIME_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?Z$/;

// Expect the SDK's error object with this code (string or RegExp) and status.
async function fails(api, action, params, code, status, over) {
	let r;
	try {
		r = await api.call(action, params, over);
	} catch (e) {
		if (!e || !e.sdkError) throw e;
		if (process.env.SGD_SDK_VERBOSE) console.log(`       answer: ${describeError(e)}`);
		const codeOk = code instanceof RegExp ? code.test(e.code) : e.code === code;
		assert(codeOk, `expected code ${code}, got ${describeError(e)}`);
		if (status !== undefined)
			assert.strictEqual(e.status, status, `expected HTTP ${status}, got ${describeError(e)}`);
		if (e.sdk === 'pop-core')
			assert.strictEqual(e.orig.name, `${e.code}Error`, 'pop-core error name');
		else
			assert(['ClientError', 'ServerError', 'ThrottlingError'].includes(e.orig.name), 'ecs error class');
		assert(e.data && typeof e.data.RequestId === 'string' && e.data.Message !== undefined,
			`error body lacks RequestId/Message: ${JSON.stringify(e.data)}`);
		return e;
	}
	assert.fail(`expected error ${code}, got success ${JSON.stringify(r.body)}`);
}

// ---------------------------------------------------------------- traffic probes
function nsExec(args, timeoutMs) {
	return spawnSync('ip', ['netns', 'exec', NS_CLI, ...args], { timeout: timeoutMs, encoding: 'utf8' });
}

// One TCP connection attempt from src[:sport] to dst:port (1 s connect timeout).
function tcpOnce(src, dst, port, sport) {
	const v6 = dst.includes(':');
	const host = v6 ? `[${src}]` : src;
	const bind = sport ? `${host}:${sport}` : host;
	const target = v6 ? `TCP6:[${dst}]:${port}` : `TCP4:${dst}:${port}`;
	const r = nsExec(['socat', '-u', 'OPEN:/dev/null', `${target},bind=${bind},connect-timeout=1,reuseaddr`], 5000);
	const why = (r.stderr || '').trim().split('\n').pop() || `exit ${r.status}`;
	// Dropped traffic shows as a connect timeout; anything else (refused,
	// bind error) means the probe itself is broken, not a verdict.
	return { up: r.status === 0, dropped: r.status !== 0 && /timed out/i.test(why), why };
}

const ICMP_PY = `
import os, socket, struct, sys, time
src, dst = sys.argv[1], sys.argv[2]
def csum(b):
    if len(b) % 2:
        b += b'\\x00'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
ident = os.getpid() & 0xffff
pkt = struct.pack('!BBHHH', 8, 0, 0, ident, 1) + b'sgd-sdk-probe'
pkt = pkt[:2] + struct.pack('!H', csum(pkt)) + pkt[4:]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.bind((src, 0))
s.sendto(pkt, (dst, 0))
end = time.time() + 1.0
while time.time() < end:
    s.settimeout(max(0.01, end - time.time()))
    try:
        data, addr = s.recvfrom(2048)
    except socket.timeout:
        break
    ihl = (data[0] & 15) * 4
    if addr[0] == dst and data[ihl] == 0 and struct.unpack('!H', data[ihl + 4:ihl + 6])[0] == ident:
        sys.exit(0)
sys.exit(1)
`;

function icmpOnce(src, dst) {
	const r = nsExec([PYTHON, '-c', ICMP_PY, src, dst], 5000);
	// exit 1: no echo reply within 1 s (dropped); other codes: the probe broke.
	return { up: r.status === 0, dropped: r.status === 1, why: (r.stderr || '').trim() || `exit ${r.status}` };
}

// Allowed traffic gets three tries (a first packet may wait for neighbour
// discovery); blocked traffic must stay blocked for the whole 1 s timeout.
function expectTraffic(kind, want, probe, what) {
	let last;
	for (let i = 0; i < (want ? 3 : 1); i++) {
		last = probe();
		if (want && last.up) return;
		if (!want && last.dropped) return;
		if (!last.up && !last.dropped) break;
	}
	if (!last.up && !last.dropped)
		assert.fail(`${kind} ${what}: probe error, not a verdict: ${last.why}`);
	assert.fail(`${kind} ${what}: expected ${want ? 'ALLOWED' : 'BLOCKED'}, was ${last.up ? 'allowed' : `dropped (${last.why})`}`);
}

const allowTcp = (src, dst, port, sport) =>
	expectTraffic('tcp', true, () => tcpOnce(src, dst, port, sport), `${src}${sport ? ':' + sport : ''} -> ${dst}:${port}`);
const blockTcp = (src, dst, port, sport) =>
	expectTraffic('tcp', false, () => tcpOnce(src, dst, port, sport), `${src}${sport ? ':' + sport : ''} -> ${dst}:${port}`);
const allowIcmp = (src, dst) => expectTraffic('icmp echo', true, () => icmpOnce(src, dst), `${src} -> ${dst}`);
const blockIcmp = (src, dst) => expectTraffic('icmp echo', false, () => icmpOnce(src, dst), `${src} -> ${dst}`);

// ---------------------------------------------------------------- rule matching
const isoSeconds = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

const stripHost = (c) => (c || '').replace(/\/(32|128)$/, '');
const ci = (a, b) => String(a || '').toLowerCase() === String(b || '').toLowerCase();

function permissionsOf(body) {
	assert(body.Permissions && typeof body.Permissions === 'object' && !Array.isArray(body.Permissions),
		`Permissions must be an object {Permission: [...]}, got ${JSON.stringify(body.Permissions)}`);
	const list = body.Permissions.Permission || [];
	assert(Array.isArray(list), 'Permissions.Permission must be an array');
	return list;
}

// Does a described Permission p correspond to requested permission want?
function sameRule(p, want) {
	if (want.SourceCidrIp !== undefined && stripHost(p.SourceCidrIp) !== stripHost(want.SourceCidrIp)) return false;
	if (want.SourceCidrIp === undefined && p.SourceCidrIp) return false;
	if (want.Ipv6SourceCidrIp !== undefined && stripHost(p.Ipv6SourceCidrIp) !== stripHost(want.Ipv6SourceCidrIp)) return false;
	if (want.Ipv6SourceCidrIp === undefined && p.Ipv6SourceCidrIp) return false;
	if ((want.SourceGroupId || '') !== (p.SourceGroupId || '')) return false;
	if ((want.SourcePrefixListId || '') !== (p.SourcePrefixListId || '')) return false;
	if ((want.PortRangeListId || '') !== (p.PortRangeListId || '')) return false;
	if (want.PortRange !== undefined && p.PortRange !== want.PortRange) return false;
	if (stripHost(want.DestCidrIp) !== stripHost(p.DestCidrIp)) return false;
	if ((want.SourcePortRange || '') !== (p.SourcePortRange || '')) return false;
	if (!ci(p.IpProtocol, want.IpProtocol)) return false;
	if (!ci(p.Policy, want.Policy || 'Accept')) return false;
	return true;
}

function findRule(list, want) {
	const hits = list.filter((p) => sameRule(p, want));
	assert.strictEqual(hits.length, 1,
		`expected exactly one described rule for ${JSON.stringify(want)}, found ${hits.length} in ${JSON.stringify(list)}`);
	return hits[0];
}

function checkRuleFields(p, want) {
	assert(/^sgr-/.test(p.SecurityGroupRuleId || ''), `SecurityGroupRuleId: ${JSON.stringify(p)}`);
	assert(ci(p.Direction, 'ingress'), `Direction: ${JSON.stringify(p)}`);
	assert.strictEqual(String(p.Priority), String(want.Priority || '1'), `Priority of ${JSON.stringify(p)}`);
	if (want.Description) assert.strictEqual(p.Description, want.Description, 'Description');
	assert(p.CreateTime, `CreateTime missing: ${JSON.stringify(p)}`);
}

// ---------------------------------------------------------------- the scenario
async function scenario(S, B, bad, unknown, net) {
	const tag = `${S.label}-${process.pid}`;
	const { dev, nic, a, b, c, nic6, a6 } = net;
	console.log(`# ${S.label}: ${S.sdk}, NIC ${dev} ${nic} ${nic6}, clients ${a} ${b} ${c} ${a6}`);

	const g1 = await must(`${S.label}: CreateSecurityGroup (target group)`, async () => {
		const r = await ok(S, 'CreateSecurityGroup', {
			RegionId: REGION, SecurityGroupName: `${tag}-web`, Description: 'sdk test target',
			VpcId: 'vpc-sdktest000000000001',
		});
		assert(/^sg-/.test(r.body.SecurityGroupId), `SecurityGroupId: ${JSON.stringify(r.body)}`);
		if (S.sdk === 'ecs20140526') assert.strictEqual(r.raw.securityGroupId, r.body.SecurityGroupId);
		return r.body.SecurityGroupId;
	});
	const g2 = await must(`${S.label}: CreateSecurityGroup (source group)`, async () => {
		const r = await ok(S, 'CreateSecurityGroup', {
			RegionId: REGION, SecurityGroupName: `${tag}-src`, VpcId: 'vpc-sdktest000000000001',
		});
		assert(/^sg-/.test(r.body.SecurityGroupId), JSON.stringify(r.body));
		return r.body.SecurityGroupId;
	});
	const pl = await must(`${S.label}: CreatePrefixList`, async () => {
		const r = await ok(S, 'CreatePrefixList', {
			RegionId: REGION, PrefixListName: `${tag}-pl`, AddressFamily: 'IPv4', MaxEntries: 10,
			Description: 'sdk test prefix list',
			Entry: [{ Cidr: `${c}/32`, Description: 'probe host' }, { Cidr: '203.0.113.0/24' }],
		});
		assert(/^pl-/.test(r.body.PrefixListId), JSON.stringify(r.body));
		if (S.sdk === 'ecs20140526') assert.strictEqual(r.raw.prefixListId, r.body.PrefixListId);
		return r.body.PrefixListId;
	});
	const prl = await must(`${S.label}: CreatePortRangeList`, async () => {
		const r = await ok(S, 'CreatePortRangeList', {
			RegionId: REGION, PortRangeListName: `${tag}-prl`, MaxEntries: 10,
			Entry: [{ PortRange: '8080/8080', Description: 'alt http' }, { PortRange: '8443/8443' }],
		});
		assert(/^prl-/.test(r.body.PortRangeListId), JSON.stringify(r.body));
		if (S.sdk === 'ecs20140526') assert.strictEqual(r.raw.portRangeListId, r.body.PortRangeListId);
		return r.body.PortRangeListId;
	});

	await must(`${S.label}: topology passes traffic while ${dev} is not managed`, () => allowTcp(a, nic, 22));

	// Binding a NIC to a host device is the operator's job: a tenant's
	// HostDevice is refused over the signed API ...
	await check(`${S.label}: CreateNetworkInterface HostDevice=${dev} from a tenant is refused`, () =>
		fails(S, 'CreateNetworkInterface', {
			RegionId: REGION, VSwitchId: 'vsw-sdktest000000000001', SecurityGroupId: g1,
			PrimaryIpAddress: nic, HostDevice: dev,
		}, 'Forbidden.HostDevice', 403));
	const eni = await must(`${S.label}: CreateNetworkInterface in the target group`, async () => {
		const r = await ok(S, 'CreateNetworkInterface', {
			RegionId: REGION, VSwitchId: 'vsw-sdktest000000000001', SecurityGroupId: g1,
			PrimaryIpAddress: nic, Ipv6Address: [nic6], NetworkInterfaceName: `${tag}-nic`,
		});
		assert(/^eni-/.test(r.body.NetworkInterfaceId), JSON.stringify(r.body));
		nicFields(r.json, { id: r.json.NetworkInterfaceId, name: `${tag}-nic`, ip: nic, ip6: nic6, groups: [g1] },
			'CreateNetworkInterface');
		assert.strictEqual(r.json.VSwitchId, 'vsw-sdktest000000000001', 'VSwitchId');
		if (S.sdk === 'ecs20140526') {
			const t = r.raw;
			assert.strictEqual(t.networkInterfaceId, r.body.NetworkInterfaceId);
			assert.strictEqual(t.privateIpAddress, nic, 'typed privateIpAddress');
			assert.deepStrictEqual(t.securityGroupIds.securityGroupId, [g1], 'typed securityGroupIds');
			assert.strictEqual(t.privateIpSets.privateIpSet[0].primary, true, 'typed privateIpSets primary');
			assert.strictEqual(t.ipv6Sets.ipv6Set[0].ipv6Address, nic6, 'typed ipv6Sets');
		}
		return r.body.NetworkInterfaceId;
	});
	// ... and the local administrator binds it on the Unix socket.
	await must(`${S.label}: the administrator binds ${eni} to ${dev} (sgctl on the socket)`, () => {
		const r = spawnSync(SGCTL, ['--socket', SOCK, 'modify-network-interface-attribute',
			`NetworkInterfaceId=${eni}`, `HostDevice=${dev}`], { encoding: 'utf8', timeout: 60000 });
		assert.strictEqual(r.status, 0, `sgctl: ${r.status} ${(r.stderr || '').trim()}`);
	});
	const eniRemote = await must(`${S.label}: CreateNetworkInterface (remote member ${b} of the source group)`, async () => {
		const r = await ok(S, 'CreateNetworkInterface', {
			RegionId: REGION, VSwitchId: 'vsw-sdktest000000000001', SecurityGroupId: g2,
			PrimaryIpAddress: b, NetworkInterfaceName: `${tag}-remote`,
		});
		assert(/^eni-/.test(r.body.NetworkInterfaceId), JSON.stringify(r.body));
		return r.body.NetworkInterfaceId;
	});

	await check(`${S.label}: traffic blocked before any rule (default drop)`, () => {
		// The verdicts below must come from sgd's own table (it names the device).
		const t = spawnSync('nft', ['list', 'table', 'inet', 'sgd'], { encoding: 'utf8', timeout: 5000 });
		assert(t.status === 0 && t.stdout.includes(dev), `nft list table inet sgd: ${t.status} ${(t.stderr || '').trim()}`);
		blockTcp(a, nic, 22);
		blockTcp(b, nic, 22);
		blockTcp(a6, nic6, 80);
		blockIcmp(a, nic);
	});

	const authorized = [];   // every distinct rule the group should hold
	const authorize = async (perms, extra = {}) => {
		await ok(S, 'AuthorizeSecurityGroup', Object.assign({ RegionId: REGION, SecurityGroupId: g1, Permissions: perms }, extra));
		for (const p of perms) authorized.push(p);
	};

	// Spec request example 1: a CIDR source, TCP 22/22, Accept.
	const sshCidr = { SourceCidrIp: net.net, PortRange: '22/22', IpProtocol: 'TCP', Policy: 'Accept' };
	await check(`${S.label}: Authorize spec example 1 (CIDR source 22/22 TCP Accept) lets ${net.net} in`, async () => {
		await authorize([sshCidr]);
		allowTcp(a, nic, 22);
		allowTcp(b, nic, 22);
		allowTcp(c, nic, 22);
	});

	// Spec request example 2: a group source and a prefix-list source, Drop.
	const sshGroup = { SourceGroupId: g2, PortRange: '22/22', IpProtocol: 'TCP', Policy: 'Drop' };
	const sshPl = { SourcePrefixListId: pl, PortRange: '22/22', IpProtocol: 'TCP', Policy: 'Drop' };
	await check(`${S.label}: Authorize spec example 2 (group + prefix list sources, Drop) drops ${b} and ${c}, not ${a}`, async () => {
		await authorize([sshGroup, sshPl]);
		allowTcp(a, nic, 22);
		blockTcp(b, nic, 22);
		blockTcp(c, nic, 22);
	});

	const web6 = { Ipv6SourceCidrIp: net.net6, PortRange: '80/80', IpProtocol: 'TCP', Policy: 'Accept', Description: 'ipv6 web' };
	await check(`${S.label}: Authorize IPv6 source TCP 80 lets ${a6} in over IPv6 only`, async () => {
		blockTcp(a6, nic6, 80);
		await authorize([web6]);
		allowTcp(a6, nic6, 80);
		blockTcp(a, nic, 80);
	});

	const quint = { SourceCidrIp: `${a}/32`, DestCidrIp: `${nic}/32`, SourcePortRange: '40000/40010',
		PortRange: '443/443', IpProtocol: 'TCP', Policy: 'Accept' };
	await check(`${S.label}: Authorize quintuple rule (DestCidrIp + SourcePortRange) matches source port`, async () => {
		blockTcp(a, nic, 443, 40001);
		await authorize([quint]);
		allowTcp(a, nic, 443, 40005);
		blockTcp(a, nic, 443, 40020);
		blockTcp(b, nic, 443, 40006);
	});

	const plist = { SourceCidrIp: net.net, PortRangeListId: prl, IpProtocol: 'TCP', Policy: 'Accept' };
	await check(`${S.label}: Authorize port list rule opens exactly the list's ports`, async () => {
		blockTcp(a, nic, 8080);
		await authorize([plist]);
		allowTcp(a, nic, 8080);
		allowTcp(a, nic, 8443);
		blockTcp(a, nic, 8081);
	});

	const icmp = { SourceCidrIp: net.net, PortRange: '-1/-1', IpProtocol: 'ICMP', Policy: 'Accept' };
	await check(`${S.label}: Authorize ICMP lets echo requests in`, async () => {
		await authorize([icmp]);
		allowIcmp(a, nic);
	});

	// Priorities: 1 before 2; at equal priority Drop before Accept.
	const rdpAll = { SourceCidrIp: net.net, PortRange: '3389/3389', IpProtocol: 'TCP', Policy: 'Accept', Priority: '1' };
	const rdpDropA = { SourceCidrIp: `${a}/32`, PortRange: '3389/3389', IpProtocol: 'TCP', Policy: 'Drop', Priority: '2' };
	const rdpDropB = { SourceCidrIp: `${b}/32`, PortRange: '3389/3389', IpProtocol: 'TCP', Policy: 'Drop', Priority: '1' };
	await check(`${S.label}: priorities (1 Accept beats 2 Drop; same-priority Drop beats Accept)`, async () => {
		await authorize([rdpAll, rdpDropA, rdpDropB]);
		allowTcp(a, nic, 3389);
		blockTcp(b, nic, 3389);
		allowTcp(c, nic, 3389);
	});

	// The other kinds, checked through the API (no listener needed).
	const udp = { SourceCidrIp: '203.0.113.0/24', PortRange: '53/53', IpProtocol: 'UDP', Policy: 'Accept', Priority: '5', Description: 'dns' };
	const gre = { SourceCidrIp: '203.0.113.0/24', PortRange: '-1/-1', IpProtocol: 'GRE', Policy: 'Accept' };
	const all = { SourceCidrIp: '203.0.113.0/24', PortRange: '-1/-1', IpProtocol: 'ALL', Policy: 'Drop', Priority: '100' };
	const sctp = { SourceCidrIp: '203.0.113.0/24', PortRange: '-1/-1', IpProtocol: '132', Policy: 'Accept' };
	const lower = { SourceCidrIp: '203.0.113.0/24', PortRange: '1/200', IpProtocol: 'tcp', Policy: 'accept', NicType: 'intranet' };
	await check(`${S.label}: Authorize UDP, GRE, ALL, IANA number 132, lower-case tcp/accept`, async () => {
		await authorize([udp, gre, all, sctp, lower]);
	});
	const legacy = { SourceCidrIp: '203.0.113.0/24', PortRange: '161/161', IpProtocol: 'UDP', Policy: 'Accept' };
	await check(`${S.label}: Authorize with the deprecated top-level (non-Permissions) parameters`, async () => {
		await ok(S, 'AuthorizeSecurityGroup', Object.assign({ RegionId: REGION, SecurityGroupId: g1 }, legacy));
		authorized.push(legacy);
	});

	await check(`${S.label}: re-authorizing an existing rule with another priority succeeds and adds nothing`, async () => {
		await ok(S, 'AuthorizeSecurityGroup', { RegionId: REGION, SecurityGroupId: g1,
			Permissions: [Object.assign({}, sshCidr, { Priority: '7' })] });
	});

	let described = [];
	await check(`${S.label}: DescribeSecurityGroupAttribute returns every rule with its fields`, async () => {
		const r = await ok(S, 'DescribeSecurityGroupAttribute', { RegionId: REGION, SecurityGroupId: g1 });
		const body = r.body;
		assert.strictEqual(body.SecurityGroupId, g1, 'SecurityGroupId');
		assert.strictEqual(body.RegionId, REGION, 'RegionId');
		assert.strictEqual(body.SecurityGroupName, `${tag}-web`, 'SecurityGroupName');
		assert.strictEqual(body.Description, 'sdk test target', 'Description');
		assert.strictEqual(body.VpcId, 'vpc-sdktest000000000001', 'VpcId');
		assert(ci(body.InnerAccessPolicy, 'Accept'), `InnerAccessPolicy ${body.InnerAccessPolicy}`);
		described = permissionsOf(body);
		assert.strictEqual(described.length, authorized.length,
			`${authorized.length} rules expected, described ${described.length}: ${JSON.stringify(described)}`);
		for (const want of authorized) checkRuleFields(findRule(described, want), want);
		assert.strictEqual(findRule(described, sshGroup).SourceGroupId, g2);
		assert.strictEqual(findRule(described, sshPl).SourcePrefixListId, pl);
		assert.strictEqual(findRule(described, plist).PortRangeListId, prl);
		if (S.sdk === 'ecs20140526') {
			// The typed response model, as an SDK user reads it.
			const t = r.raw;
			assert(t instanceof Ecs.DescribeSecurityGroupAttributeResponseBody);
			assert(t.permissions instanceof Ecs.DescribeSecurityGroupAttributeResponseBodyPermissions);
			assert(t.permissions.permission.every((p) => p instanceof Ecs.DescribeSecurityGroupAttributeResponseBodyPermissionsPermission));
			assert.strictEqual(t.securityGroupId, g1);
			const tq = t.permissions.permission.find((p) => p.sourcePortRange === '40000/40010');
			assert(tq, 'typed: quintuple rule');
			assert.strictEqual(stripHost(tq.destCidrIp), nic);
			assert.strictEqual(tq.portRange, '443/443');
			assert(ci(tq.ipProtocol, 'TCP') && ci(tq.policy, 'Accept'));
			const tg = t.permissions.permission.find((p) => p.sourceGroupId === g2);
			assert(tg && ci(tg.policy, 'Drop'), 'typed: group-source rule');
			const t6 = t.permissions.permission.find((p) => p.ipv6SourceCidrIp);
			assert(t6 && t6.description === 'ipv6 web', 'typed: ipv6 rule');
			assert(t.permissions.permission.every((p) => typeof p.priority === 'string'), 'typed: Priority');
		}
	});

	await everyAction(S, { tag, net, g1, g2, pl, prl, eni, eniRemote, described, udp });

	// ---- errors, through the SDK's error objects ----
	const tcp22 = (extra) => Object.assign({ SourceCidrIp: net.net, PortRange: '22/22', IpProtocol: 'TCP', Policy: 'Accept' }, extra);
	const authz = (perms, extra = {}) => Object.assign({ RegionId: REGION, SecurityGroupId: g1, Permissions: perms }, extra);
	const errorCases = [
		['unknown group -> InvalidSecurityGroupId.NotFound 404', S, 'DescribeSecurityGroupAttribute',
			{ RegionId: REGION, SecurityGroupId: 'sg-doesnotexist0000000' }, 'InvalidSecurityGroupId.NotFound', 404],
		['Authorize on unknown group -> InvalidSecurityGroupId.NotFound 404', S, 'AuthorizeSecurityGroup',
			authz([tcp22()], { SecurityGroupId: 'sg-doesnotexist0000000' }), 'InvalidSecurityGroupId.NotFound', 404],
		['PortRange "22" -> InvalidParam.PortRange 400', S, 'AuthorizeSecurityGroup',
			authz([tcp22({ PortRange: '22' })]), 'InvalidParam.PortRange', 400],
		['IpProtocol FOO -> InvalidIpProtocol.ValueNotSupported 400', S, 'AuthorizeSecurityGroup',
			authz([tcp22({ IpProtocol: 'FOO' })]), 'InvalidIpProtocol.ValueNotSupported', 400],
		['no SecurityGroupId -> MissingParameter 400', S, 'AuthorizeSecurityGroup',
			{ RegionId: REGION, Permissions: [tcp22()] }, 'MissingParameter', 400],
		['permission without a source -> MissingParameter.Source 400', S, 'AuthorizeSecurityGroup',
			authz([{ PortRange: '22/22', IpProtocol: 'TCP', Policy: 'Accept' }]), 'MissingParameter.Source', 400],
		['same permission twice -> InvalidParam.DuplicatePermissions 400', S, 'AuthorizeSecurityGroup',
			authz([tcp22({ PortRange: '2222/2222' }), tcp22({ PortRange: '2222/2222' })]), 'InvalidParam.DuplicatePermissions', 400],
		['Policy maybe -> InvalidPolicy.Malformed 400', S, 'AuthorizeSecurityGroup',
			authz([tcp22({ Policy: 'maybe' })]), 'InvalidPolicy.Malformed', 400],
		['Priority 101 -> InvalidPriority.* 400', S, 'AuthorizeSecurityGroup',
			authz([tcp22({ Priority: '101' })]), /^InvalidPriority\.(Malformed|ValueNotSupported)$/, 400],
		['bad SourceCidrIp -> InvalidSourceCidrIp.Malformed / InvalidParam.SourceCidrIp 400', S, 'AuthorizeSecurityGroup',
			authz([tcp22({ SourceCidrIp: 'not-a-cidr' })]), /^(InvalidSourceCidrIp\.Malformed|InvalidParam\.SourceCidrIp)$/, 400],
		['SourceCidrIp + Ipv6SourceCidrIp -> InvalidParam.SourceIp 400', S, 'AuthorizeSecurityGroup',
			authz([tcp22({ Ipv6SourceCidrIp: net.net6 })]), 'InvalidParam.SourceIp', 400],
		['unknown prefix list -> InvalidPrefixListId.NotFound 404', S, 'AuthorizeSecurityGroup',
			authz([{ SourcePrefixListId: 'pl-doesnotexist0000000', PortRange: '22/22', IpProtocol: 'TCP' }]), 'InvalidPrefixListId.NotFound', 404],
		['unknown port list -> InvalidPortRangeListId.NotFound 400', S, 'AuthorizeSecurityGroup',
			authz([{ SourceCidrIp: net.net, PortRangeListId: 'prl-doesnotexist000000', IpProtocol: 'TCP' }]), 'InvalidPortRangeListId.NotFound', 400],
		['unknown source group -> InvalidSourceGroupId.NotFound 404', S, 'AuthorizeSecurityGroup',
			authz([{ SourceGroupId: 'sg-doesnotexist0000000', PortRange: '22/22', IpProtocol: 'TCP' }]), 'InvalidSourceGroupId.NotFound', 404],
		['other account describes the group -> InvalidOperation.SecurityGroupNotAuthorized 401', B, 'DescribeSecurityGroupAttribute',
			{ RegionId: REGION, SecurityGroupId: g1 }, 'InvalidOperation.SecurityGroupNotAuthorized', 401],
		['other account authorizes on the group -> InvalidOperation.SecurityGroupNotAuthorized 401', B, 'AuthorizeSecurityGroup',
			authz([tcp22({ PortRange: '2223/2223' })]), 'InvalidOperation.SecurityGroupNotAuthorized', 401],
		['other account revokes on the group -> InvalidOperation.SecurityGroupNotAuthorized 401', B, 'RevokeSecurityGroup',
			authz([sshCidr]), 'InvalidOperation.SecurityGroupNotAuthorized', 401],
		['other account deletes the group -> InvalidOperation.SecurityGroupNotAuthorized 401', B, 'DeleteSecurityGroup',
			{ RegionId: REGION, SecurityGroupId: g1 }, 'InvalidOperation.SecurityGroupNotAuthorized', 401],
		['wrong secret -> SignatureDoesNotMatch', bad, 'DescribeSecurityGroupAttribute',
			{ RegionId: REGION, SecurityGroupId: g1 }, 'SignatureDoesNotMatch', 400],
		['unknown AccessKeyId -> InvalidAccessKeyId.NotFound', unknown, 'DescribeSecurityGroupAttribute',
			{ RegionId: REGION, SecurityGroupId: g1 }, 'InvalidAccessKeyId.NotFound', 404],
		['timestamp an hour old -> InvalidTimeStamp.Expired 400', S, 'DescribeSecurityGroupAttribute',
			{ RegionId: REGION, SecurityGroupId: g1 }, 'InvalidTimeStamp.Expired', 400,
			{ timestamp: isoSeconds(Date.now() - 3600 * 1000) }],
		['another region -> InvalidRegionId.NotFound 404', S, 'DescribeSecurityGroupAttribute',
			{ RegionId: 'cn-beijing', SecurityGroupId: g1 }, 'InvalidRegionId.NotFound', 404],
	];
	for (const [name, api, action, params, code, status, over] of errorCases)
		await check(`${S.label}: ${name}`, () => fails(api, action, params, code, status, over));

	await check(`${S.label}: a replayed SignatureNonce -> SignatureNonceUsed 400`, async () => {
		const nonce = `sdk${process.pid}${S.label.replace(/\W/g, '')}${Date.now()}`;
		await ok(S, 'DescribeSecurityGroupAttribute', { RegionId: REGION, SecurityGroupId: g1 }, { nonce });
		await fails(S, 'DescribeSecurityGroupAttribute', { RegionId: REGION, SecurityGroupId: g1 },
			'SignatureNonceUsed', 400, { nonce });
	});

	await check(`${S.label}: failed calls changed nothing (rule count, traffic)`, async () => {
		const r = await ok(S, 'DescribeSecurityGroupAttribute', { RegionId: REGION, SecurityGroupId: g1 });
		assert.strictEqual(permissionsOf(r.body).length, authorized.length);
		allowTcp(a, nic, 22);
	});

	// ---- revoke: traffic is blocked again ----
	await check(`${S.label}: RevokeSecurityGroup (spec example 1 by its fields) blocks 22 again`, async () => {
		await ok(S, 'RevokeSecurityGroup', { RegionId: REGION, SecurityGroupId: g1, Permissions: [sshCidr] });
		blockTcp(a, nic, 22);
	});
	await check(`${S.label}: RevokeSecurityGroup (port list rule) blocks 8080 again`, async () => {
		await ok(S, 'RevokeSecurityGroup', { RegionId: REGION, SecurityGroupId: g1, Permissions: [plist] });
		blockTcp(a, nic, 8080);
	});
	await check(`${S.label}: RevokeSecurityGroup (IPv6 rule) blocks IPv6 80 again`, async () => {
		await ok(S, 'RevokeSecurityGroup', { RegionId: REGION, SecurityGroupId: g1, Permissions: [web6] });
		blockTcp(a6, nic6, 80);
	});
	await check(`${S.label}: RevokeSecurityGroup by SecurityGroupRuleId (ICMP rule) blocks echo again`, async () => {
		const id = findRule(described, icmp).SecurityGroupRuleId;
		await ok(S, 'RevokeSecurityGroup', { RegionId: REGION, SecurityGroupId: g1, SecurityGroupRuleId: [id] });
		blockIcmp(a, nic);
	});
	await check(`${S.label}: RevokeSecurityGroup (priority-1 Drop of ${b}) lets ${b} reach 3389`, async () => {
		await ok(S, 'RevokeSecurityGroup', { RegionId: REGION, SecurityGroupId: g1, Permissions: [rdpDropB] });
		allowTcp(b, nic, 3389);
	});
	await check(`${S.label}: DescribeSecurityGroupAttribute after revokes`, async () => {
		const r = await ok(S, 'DescribeSecurityGroupAttribute', { RegionId: REGION, SecurityGroupId: g1 });
		const list = permissionsOf(r.body);
		assert.strictEqual(list.length, authorized.length - 5, `rules left: ${JSON.stringify(list)}`);
		for (const gone of [sshCidr, plist, web6, icmp, rdpDropB])
			assert(!list.some((p) => sameRule(p, gone)), `still described: ${JSON.stringify(gone)}`);
	});

	// ---- teardown through the API ----
	await check(`${S.label}: DeleteNetworkInterface (managed) leaves ${dev} unfiltered`, async () => {
		await ok(S, 'DeleteNetworkInterface', { RegionId: REGION, NetworkInterfaceId: eni });
		allowTcp(a, nic, 22);
	});
	await check(`${S.label}: DeleteNetworkInterface (remote)`, () =>
		ok(S, 'DeleteNetworkInterface', { RegionId: REGION, NetworkInterfaceId: eniRemote }));
	await check(`${S.label}: DeleteSecurityGroup (target), then it is gone (404)`, async () => {
		await ok(S, 'DeleteSecurityGroup', { RegionId: REGION, SecurityGroupId: g1 });
		await fails(S, 'DescribeSecurityGroupAttribute', { RegionId: REGION, SecurityGroupId: g1 },
			'InvalidSecurityGroupId.NotFound', 404);
	});
	await check(`${S.label}: DeleteSecurityGroup (source)`, () =>
		ok(S, 'DeleteSecurityGroup', { RegionId: REGION, SecurityGroupId: g2 }));
	await check(`${S.label}: DeletePrefixList`, () => ok(S, 'DeletePrefixList', { RegionId: REGION, PrefixListId: pl }));
	await check(`${S.label}: DeletePortRangeList`, () => ok(S, 'DeletePortRangeList', { RegionId: REGION, PortRangeListId: prl }));
}

// A NIC as CreateNetworkInterface / DescribeNetworkInterfaces answer it (raw JSON).
function nicFields(o, want, what) {
	present(o, ['NetworkInterfaceId', 'NetworkInterfaceName', 'Status', 'Type', 'VpcId', 'VSwitchId',
		'PrivateIpAddress', 'MacAddress', 'PrivateIpSets', 'Ipv6Sets', 'SecurityGroupIds'], what);
	assert.strictEqual(o.NetworkInterfaceId, want.id, `${what}: NetworkInterfaceId`);
	// No VpcId asked: the NIC is in its groups' VPC.
	assert.strictEqual(o.VpcId, 'vpc-sdktest000000000001', `${what}: VpcId`);
	if (want.name) assert.strictEqual(o.NetworkInterfaceName, want.name, `${what}: NetworkInterfaceName`);
	assert(['Available', 'InUse'].includes(o.Status), `${what}: Status ${o.Status}`);
	assert(['Primary', 'Secondary'].includes(o.Type), `${what}: Type ${o.Type}`);
	assert.strictEqual(o.PrivateIpAddress, want.ip, `${what}: PrivateIpAddress`);
	const v4 = wrapped(o, 'PrivateIpSets', 'PrivateIpSet');
	const prim = v4.filter((e) => e.Primary === true);
	assert(prim.length === 1 && prim[0].PrivateIpAddress === want.ip,
		`${what}: PrivateIpSets must hold ${want.ip} as the one Primary: ${JSON.stringify(v4)}`);
	const v6 = wrapped(o, 'Ipv6Sets', 'Ipv6Set').map((e) => e.Ipv6Address);
	assert.deepStrictEqual(v6, want.ip6 ? [want.ip6] : [], `${what}: Ipv6Sets`);
	assert.deepStrictEqual(wrapped(o, 'SecurityGroupIds', 'SecurityGroupId').slice().sort(),
		want.groups.slice().sort(), `${what}: SecurityGroupIds`);
}

// Every other action of the API, through the SDK, with the answer's fields and
// (where it shows) the effect on traffic. Runs with the scenario's rules in place.
async function everyAction(S, ctx) {
	const { tag, net, g1, g2, pl, prl, eni, eniRemote, described, udp } = ctx;
	const { nic, a, b, c, nic6 } = net;
	const ecs = S.sdk === 'ecs20140526';
	const vpc = 'vpc-sdktest000000000001';

	// ---- DescribeSecurityGroups ----
	await check(`${S.label}: DescribeSecurityGroups (SecurityGroupIds) answers every group field`, async () => {
		const r = await ok(S, 'DescribeSecurityGroups', { RegionId: REGION, SecurityGroupIds: JSON.stringify([g1, g2]) });
		const o = r.json;
		present(o, ['RegionId', 'TotalCount', 'PageNumber', 'PageSize', 'SecurityGroups'], 'DescribeSecurityGroups');
		assert.strictEqual(o.RegionId, REGION);
		assert.strictEqual(o.TotalCount, 2, 'TotalCount');
		assert.strictEqual(o.PageNumber, 1, 'PageNumber');
		assert(typeof o.PageSize === 'number' && o.PageSize >= 2, `PageSize ${o.PageSize}`);
		const list = wrapped(o, 'SecurityGroups', 'SecurityGroup');
		assert.deepStrictEqual(list.map((x) => x.SecurityGroupId).sort(), [g1, g2].sort());
		const x = list.find((y) => y.SecurityGroupId === g1);
		present(x, ['SecurityGroupId', 'SecurityGroupName', 'Description', 'VpcId', 'CreationTime',
			'SecurityGroupType', 'RuleCount', 'GroupToGroupRuleCount', 'EcsCount', 'ServiceManaged',
			'ResourceGroupId', 'Tags'], 'SecurityGroup');
		assert.strictEqual(x.SecurityGroupName, `${tag}-web`);
		assert.strictEqual(x.Description, 'sdk test target');
		assert.strictEqual(x.VpcId, vpc);
		assert(TIME_RE.test(x.CreationTime), `CreationTime ${x.CreationTime}`);
		assert.strictEqual(x.SecurityGroupType, 'normal');
		assert.strictEqual(x.RuleCount, described.length, 'RuleCount');
		assert.strictEqual(x.GroupToGroupRuleCount, 1, 'GroupToGroupRuleCount');
		assert.strictEqual(x.EcsCount, 1, 'EcsCount (the managed NIC)');
		assert.strictEqual(x.ServiceManaged, false, 'ServiceManaged');
		wrapped(x, 'Tags', 'Tag');
		if (ecs) {
			const t = r.raw;
			assert.strictEqual(t.totalCount, 2);
			const tg = t.securityGroups.securityGroup.find((y) => y.securityGroupId === g1);
			assert(tg instanceof Ecs.DescribeSecurityGroupsResponseBodySecurityGroupsSecurityGroup);
			assert.strictEqual(tg.vpcId, vpc);
			assert.strictEqual(tg.ruleCount, described.length);
			assert.strictEqual(tg.serviceManaged, false);
		}
	});
	await check(`${S.label}: DescribeSecurityGroups filters (VpcId + SecurityGroupName, SecurityGroupId)`, async () => {
		let r = await ok(S, 'DescribeSecurityGroups', { RegionId: REGION, VpcId: vpc, SecurityGroupName: `${tag}-src` });
		assert.deepStrictEqual(wrapped(r.json, 'SecurityGroups', 'SecurityGroup').map((x) => x.SecurityGroupId), [g2]);
		assert.strictEqual(r.json.TotalCount, 1);
		r = await ok(S, 'DescribeSecurityGroups', { RegionId: REGION, SecurityGroupId: g1 });
		assert.deepStrictEqual(wrapped(r.json, 'SecurityGroups', 'SecurityGroup').map((x) => x.SecurityGroupId), [g1]);
	});
	await check(`${S.label}: DescribeSecurityGroups pages by MaxResults/NextToken and PageNumber/PageSize`, async () => {
		const ids = JSON.stringify([g1, g2]);
		const r1 = await ok(S, 'DescribeSecurityGroups', { RegionId: REGION, SecurityGroupIds: ids, MaxResults: 1 });
		assert(typeof r1.json.NextToken === 'string' && r1.json.NextToken, `NextToken ${JSON.stringify(r1.json)}`);
		const p1 = wrapped(r1.json, 'SecurityGroups', 'SecurityGroup');
		assert.strictEqual(p1.length, 1);
		const r2 = await ok(S, 'DescribeSecurityGroups', { RegionId: REGION, SecurityGroupIds: ids, MaxResults: 1,
			NextToken: r1.json.NextToken });
		const p2 = wrapped(r2.json, 'SecurityGroups', 'SecurityGroup');
		assert.strictEqual(p2.length, 1);
		assert.deepStrictEqual([p1[0].SecurityGroupId, p2[0].SecurityGroupId].sort(), [g1, g2].sort());
		assert(!r2.json.NextToken, `last page NextToken ${r2.json.NextToken}`);
		const r3 = await ok(S, 'DescribeSecurityGroups', { RegionId: REGION, SecurityGroupIds: ids, PageNumber: 2, PageSize: 1 });
		assert.strictEqual(r3.json.PageNumber, 2);
		assert.strictEqual(r3.json.PageSize, 1);
		assert.strictEqual(r3.json.TotalCount, 2);
		assert.strictEqual(wrapped(r3.json, 'SecurityGroups', 'SecurityGroup').length, 1);
	});

	await check(`${S.label}: DescribeSecurityGroupAttribute pages by MaxResults/NextToken; Direction=egress is empty`, async () => {
		const ids = [];
		let token;
		for (let i = 0; i < 20; i++) {
			const r = await ok(S, 'DescribeSecurityGroupAttribute', Object.assign({ RegionId: REGION,
				SecurityGroupId: g1, MaxResults: 5 }, token ? { NextToken: token } : {}));
			const list = permissionsOf(r.json);
			assert(list.length <= 5, `page of ${list.length}`);
			ids.push(...list.map((p) => p.SecurityGroupRuleId));
			assert.strictEqual(typeof r.json.NextToken, 'string', `NextToken ${JSON.stringify(r.json.NextToken)}`);
			token = r.json.NextToken;
			if (!token) break;
		}
		assert(!token, 'NextToken never ran out');
		assert.deepStrictEqual(ids.slice().sort(), described.map((p) => p.SecurityGroupRuleId).sort());
		const e = await ok(S, 'DescribeSecurityGroupAttribute', { RegionId: REGION, SecurityGroupId: g1, Direction: 'egress' });
		assert.strictEqual(permissionsOf(e.json).length, 0);
	});

	// ---- ModifySecurityGroupPolicy ----
	await check(`${S.label}: ModifySecurityGroupPolicy Drop, then Accept, shows in InnerAccessPolicy`, async () => {
		await ok(S, 'ModifySecurityGroupPolicy', { RegionId: REGION, SecurityGroupId: g1, InnerAccessPolicy: 'Drop' });
		let r = await ok(S, 'DescribeSecurityGroupAttribute', { RegionId: REGION, SecurityGroupId: g1 });
		assert.strictEqual(r.json.InnerAccessPolicy, 'Drop');
		await ok(S, 'ModifySecurityGroupPolicy', { RegionId: REGION, SecurityGroupId: g1, InnerAccessPolicy: 'Accept' });
		r = await ok(S, 'DescribeSecurityGroupAttribute', { RegionId: REGION, SecurityGroupId: g1 });
		assert.strictEqual(r.json.InnerAccessPolicy, 'Accept');
	});

	// ---- ModifySecurityGroupRule ----
	await check(`${S.label}: ModifySecurityGroupRule changes a rule's Priority and Description in place`, async () => {
		const id = findRule(described, udp).SecurityGroupRuleId;
		await ok(S, 'ModifySecurityGroupRule', { RegionId: REGION, SecurityGroupId: g1, SecurityGroupRuleId: id,
			Priority: '9', Description: 'dns v2' });
		const r = await ok(S, 'DescribeSecurityGroupAttribute', { RegionId: REGION, SecurityGroupId: g1 });
		const list = permissionsOf(r.json);
		assert.strictEqual(list.length, described.length, 'rule count');
		const p = list.find((x) => x.SecurityGroupRuleId === id);
		assert(p, `rule ${id} gone: ${JSON.stringify(list)}`);
		assert.strictEqual(String(p.Priority), '9');
		assert.strictEqual(p.Description, 'dns v2');
		assert(sameRule(p, udp), `rule changed beyond Priority/Description: ${JSON.stringify(p)}`);
		udp.Priority = '9';
		udp.Description = 'dns v2';
	});

	// ---- prefix lists ----
	await check(`${S.label}: DescribePrefixLists answers every prefix list field`, async () => {
		const r = await ok(S, 'DescribePrefixLists', { RegionId: REGION, PrefixListId: [pl] });
		const list = wrapped(r.json, 'PrefixLists', 'PrefixList');
		assert.strictEqual(list.length, 1, JSON.stringify(r.json));
		const x = list[0];
		present(x, ['PrefixListId', 'PrefixListName', 'Description', 'AddressFamily', 'MaxEntries',
			'AssociationCount', 'CreationTime'], 'PrefixList');
		assert.strictEqual(x.PrefixListId, pl);
		assert.strictEqual(x.PrefixListName, `${tag}-pl`);
		assert.strictEqual(x.Description, 'sdk test prefix list');
		assert.strictEqual(x.AddressFamily, 'IPv4');
		assert.strictEqual(x.MaxEntries, 10);
		assert.strictEqual(x.AssociationCount, 1, 'AssociationCount (g1 references it)');
		assert(TIME_RE.test(x.CreationTime), `CreationTime ${x.CreationTime}`);
		const byName = await ok(S, 'DescribePrefixLists', { RegionId: REGION, PrefixListName: `${tag}-pl` });
		assert.deepStrictEqual(wrapped(byName.json, 'PrefixLists', 'PrefixList').map((y) => y.PrefixListId), [pl]);
		if (ecs) {
			const t = r.raw.prefixLists.prefixList[0];
			assert(t instanceof Ecs.DescribePrefixListsResponseBodyPrefixListsPrefixList);
			assert.strictEqual(t.maxEntries, 10);
			assert.strictEqual(t.associationCount, 1);
		}
	});
	const plEntries = async () => {
		const r = await ok(S, 'DescribePrefixListAttributes', { RegionId: REGION, PrefixListId: pl });
		present(r.json, ['PrefixListId', 'PrefixListName', 'Description', 'AddressFamily', 'MaxEntries',
			'CreationTime', 'Entries'], 'DescribePrefixListAttributes');
		assert.strictEqual(r.json.PrefixListId, pl);
		assert.strictEqual(r.json.AddressFamily, 'IPv4');
		assert.strictEqual(r.json.MaxEntries, 10);
		assert(TIME_RE.test(r.json.CreationTime), `CreationTime ${r.json.CreationTime}`);
		const e = wrapped(r.json, 'Entries', 'Entry');
		for (const x of e) present(x, ['Cidr', 'Description'], 'Entry');
		if (ecs) {
			assert.strictEqual(r.raw.maxEntries, 10);
			assert(r.raw.entries.entry.every((x) => x instanceof Ecs.DescribePrefixListAttributesResponseBodyEntriesEntry));
		}
		return { r, e };
	};
	await check(`${S.label}: DescribePrefixListAttributes answers the entries`, async () => {
		const { r, e } = await plEntries();
		assert.strictEqual(r.json.PrefixListName, `${tag}-pl`);
		assert.deepStrictEqual(e.map((x) => stripHost(x.Cidr)).sort(), [c, '203.0.113.0/24'].sort());
		assert.strictEqual(e.find((x) => stripHost(x.Cidr) === c).Description, 'probe host');
	});
	await check(`${S.label}: ModifyPrefixList RemoveEntry ${c} + rename lets ${c} reach 22`, async () => {
		await ok(S, 'ModifyPrefixList', { RegionId: REGION, PrefixListId: pl, PrefixListName: `${tag}-pl2`,
			RemoveEntry: [{ Cidr: `${c}/32` }] });
		const { r, e } = await plEntries();
		assert.strictEqual(r.json.PrefixListName, `${tag}-pl2`);
		assert.deepStrictEqual(e.map((x) => x.Cidr), ['203.0.113.0/24']);
		allowTcp(c, nic, 22);
	});
	await check(`${S.label}: ModifyPrefixList AddEntry ${c} drops ${c} on 22 again`, async () => {
		await ok(S, 'ModifyPrefixList', { RegionId: REGION, PrefixListId: pl,
			AddEntry: [{ Cidr: `${c}/32`, Description: 'probe again' }] });
		const { e } = await plEntries();
		assert.strictEqual(e.length, 2, JSON.stringify(e));
		assert.strictEqual(e.find((x) => stripHost(x.Cidr) === c).Description, 'probe again');
		blockTcp(c, nic, 22);
		allowTcp(a, nic, 22);
	});

	// ---- port lists ----
	await check(`${S.label}: DescribePortRangeLists answers a bare PortRangeLists array with every field`, async () => {
		const r = await ok(S, 'DescribePortRangeLists', { RegionId: REGION, PortRangeListId: [prl] });
		const list = r.json.PortRangeLists;
		assert(Array.isArray(list), `PortRangeLists must be an array (the model's shape), got ${JSON.stringify(list)}`);
		assert.strictEqual(list.length, 1);
		const x = list[0];
		present(x, ['PortRangeListId', 'PortRangeListName', 'Description', 'MaxEntries', 'AssociationCount',
			'CreationTime'], 'PortRangeList');
		assert.strictEqual(x.PortRangeListId, prl);
		assert.strictEqual(x.PortRangeListName, `${tag}-prl`);
		assert.strictEqual(x.MaxEntries, 10);
		assert.strictEqual(x.AssociationCount, 1, 'AssociationCount (g1 references it)');
		assert(TIME_RE.test(x.CreationTime), `CreationTime ${x.CreationTime}`);
		assert(x.Tags === undefined || Array.isArray(x.Tags), `Tags must be an array: ${JSON.stringify(x.Tags)}`);
		assert.strictEqual(typeof r.json.NextToken, 'string', 'NextToken');
		const byName = await ok(S, 'DescribePortRangeLists', { RegionId: REGION, PortRangeListName: `${tag}-prl` });
		assert.deepStrictEqual(byName.json.PortRangeLists.map((y) => y.PortRangeListId), [prl]);
		if (ecs) {
			const t = r.raw.portRangeLists[0];
			assert(t instanceof Ecs.DescribePortRangeListsResponseBodyPortRangeLists);
			assert.strictEqual(t.maxEntries, 10);
		}
	});
	await check(`${S.label}: ModifyPortRangeList AddEntry 8081 opens 8081, RemoveEntry closes it`, async () => {
		blockTcp(a, nic, 8081);
		await ok(S, 'ModifyPortRangeList', { RegionId: REGION, PortRangeListId: prl, PortRangeListName: `${tag}-prl2`,
			AddEntry: [{ PortRange: '8081/8081', Description: 'alt' }] });
		allowTcp(a, nic, 8081);
		const r = await ok(S, 'DescribePortRangeLists', { RegionId: REGION, PortRangeListId: [prl] });
		assert.strictEqual(r.json.PortRangeLists[0].PortRangeListName, `${tag}-prl2`);
		await ok(S, 'ModifyPortRangeList', { RegionId: REGION, PortRangeListId: prl, RemoveEntry: [{ PortRange: '8081/8081' }] });
		blockTcp(a, nic, 8081);
		allowTcp(a, nic, 8080);
	});

	// ---- DescribeNetworkInterfaces ----
	const nicsOf = async (params) => {
		const r = await ok(S, 'DescribeNetworkInterfaces', Object.assign({ RegionId: REGION }, params));
		return { r, list: wrapped(r.json, 'NetworkInterfaceSets', 'NetworkInterfaceSet') };
	};
	await check(`${S.label}: DescribeNetworkInterfaces (NetworkInterfaceId) answers every NIC field`, async () => {
		const { r, list } = await nicsOf({ NetworkInterfaceId: [eni] });
		present(r.json, ['TotalCount', 'PageNumber', 'PageSize', 'NetworkInterfaceSets'], 'DescribeNetworkInterfaces');
		assert.strictEqual(r.json.TotalCount, 1, 'TotalCount');
		assert.strictEqual(r.json.PageNumber, 1, 'PageNumber');
		assert.strictEqual(typeof r.json.PageSize, 'number', 'PageSize');
		assert.strictEqual(list.length, 1);
		const x = list[0];
		nicFields(x, { id: eni, name: `${tag}-nic`, ip: nic, ip6: nic6, groups: [g1] }, 'NetworkInterfaceSet');
		present(x, ['CreationTime', 'OwnerId', 'ZoneId', 'ServiceManaged'], 'NetworkInterfaceSet');
		assert(TIME_RE.test(x.CreationTime), `CreationTime ${x.CreationTime}`);
		assert.strictEqual(x.Status, 'InUse', 'a managed NIC is in use');
		if (ecs) {
			const t = r.raw.networkInterfaceSets.networkInterfaceSet[0];
			assert(t instanceof Ecs.DescribeNetworkInterfacesResponseBodyNetworkInterfaceSetsNetworkInterfaceSet);
			assert.strictEqual(t.privateIpAddress, nic);
			assert.deepStrictEqual(t.securityGroupIds.securityGroupId, [g1]);
			assert.strictEqual(t.privateIpSets.privateIpSet[0].primary, true);
			assert.strictEqual(r.raw.totalCount, 1);
		}
	});
	await check(`${S.label}: DescribeNetworkInterfaces filters (SecurityGroupId, PrimaryIpAddress) and pages`, async () => {
		let { list } = await nicsOf({ SecurityGroupId: g2 });
		assert.deepStrictEqual(list.map((x) => x.NetworkInterfaceId), [eniRemote]);
		nicFields(list[0], { id: eniRemote, name: `${tag}-remote`, ip: b, groups: [g2] }, 'remote NIC');
		({ list } = await nicsOf({ PrimaryIpAddress: b }));
		assert.deepStrictEqual(list.map((x) => x.NetworkInterfaceId), [eniRemote]);
		const both = [eni, eniRemote];
		// MaxResults is 10-500 here (as at Alibaba; a smaller value means 10): one page, no NextToken.
		const t = await nicsOf({ NetworkInterfaceId: both, MaxResults: 1 });
		assert.strictEqual(t.list.length, 2);
		assert.strictEqual(t.r.json.NextToken, '', `NextToken ${JSON.stringify(t.r.json)}`);
		const p1 = await nicsOf({ NetworkInterfaceId: both, PageNumber: 1, PageSize: 1 });
		const p2 = await nicsOf({ NetworkInterfaceId: both, PageNumber: 2, PageSize: 1 });
		for (const [pg, n] of [[p1, 1], [p2, 2]]) {
			assert.strictEqual(pg.list.length, 1);
			assert.strictEqual(pg.r.json.PageNumber, n);
			assert.strictEqual(pg.r.json.PageSize, 1);
			assert.strictEqual(pg.r.json.TotalCount, 2);
		}
		assert.deepStrictEqual([p1.list[0].NetworkInterfaceId, p2.list[0].NetworkInterfaceId].sort(), both.slice().sort());
	});

	// ---- Join/LeaveSecurityGroup, ModifyNetworkInterfaceAttribute ----
	const g3 = await check(`${S.label}: CreateSecurityGroup (third group) with a rule for 8081`, async () => {
		const r = await ok(S, 'CreateSecurityGroup', { RegionId: REGION, SecurityGroupName: `${tag}-extra`, VpcId: vpc });
		await ok(S, 'AuthorizeSecurityGroup', { RegionId: REGION, SecurityGroupId: r.json.SecurityGroupId,
			Permissions: [{ SourceCidrIp: net.net, PortRange: '8081/8081', IpProtocol: 'TCP', Policy: 'Accept' }] });
		return r.json.SecurityGroupId;
	});
	if (!g3) return;
	const nicGroups = async (id) => {
		const { list } = await nicsOf({ NetworkInterfaceId: [id] });
		assert.strictEqual(list.length, 1);
		return { x: list[0], groups: wrapped(list[0], 'SecurityGroupIds', 'SecurityGroupId').slice().sort() };
	};
	await check(`${S.label}: JoinSecurityGroup adds the group's rules (8081 open)`, async () => {
		await ok(S, 'JoinSecurityGroup', { RegionId: REGION, SecurityGroupId: g3, NetworkInterfaceId: eni });
		assert.deepStrictEqual((await nicGroups(eni)).groups, [g1, g3].sort());
		const r = await ok(S, 'DescribeSecurityGroups', { RegionId: REGION, SecurityGroupId: g3 });
		assert.strictEqual(wrapped(r.json, 'SecurityGroups', 'SecurityGroup')[0].EcsCount, 1, 'EcsCount after join');
		allowTcp(a, nic, 8081);
	});
	await check(`${S.label}: LeaveSecurityGroup removes them (8081 blocked)`, async () => {
		await ok(S, 'LeaveSecurityGroup', { RegionId: REGION, SecurityGroupId: g3, NetworkInterfaceId: eni });
		assert.deepStrictEqual((await nicGroups(eni)).groups, [g1]);
		blockTcp(a, nic, 8081);
	});
	await check(`${S.label}: ModifyNetworkInterfaceAttribute renames, describes, and sets the groups`, async () => {
		await ok(S, 'ModifyNetworkInterfaceAttribute', { RegionId: REGION, NetworkInterfaceId: eni,
			NetworkInterfaceName: `${tag}-nic2`, Description: 'renamed by the sdk test' });
		let { x, groups } = await nicGroups(eni);
		assert.strictEqual(x.NetworkInterfaceName, `${tag}-nic2`);
		assert.strictEqual(x.Description, 'renamed by the sdk test');
		assert.deepStrictEqual(groups, [g1]);
		await ok(S, 'ModifyNetworkInterfaceAttribute', { RegionId: REGION, NetworkInterfaceId: eni, SecurityGroupId: [g1, g3] });
		({ groups } = await nicGroups(eni));
		assert.deepStrictEqual(groups, [g1, g3].sort());
		allowTcp(a, nic, 8081);
		await ok(S, 'ModifyNetworkInterfaceAttribute', { RegionId: REGION, NetworkInterfaceId: eni, SecurityGroupId: [g1] });
		({ groups } = await nicGroups(eni));
		assert.deepStrictEqual(groups, [g1]);
		blockTcp(a, nic, 8081);
		allowTcp(a, nic, 22);
	});
	await check(`${S.label}: DeleteSecurityGroup (third group)`, () =>
		ok(S, 'DeleteSecurityGroup', { RegionId: REGION, SecurityGroupId: g3 }));
}

// The other ways each SDK can sign: a short create/describe/delete round.
async function roundTrip(S) {
	await check(`${S.label}: CreateSecurityGroup / Describe / Delete`, async () => {
		const r = await ok(S, 'CreateSecurityGroup', { RegionId: REGION, SecurityGroupName: `${S.label}-${process.pid}` });
		const id = r.body.SecurityGroupId;
		assert(/^sg-/.test(id), JSON.stringify(r.body));
		const d = await ok(S, 'DescribeSecurityGroupAttribute', { RegionId: REGION, SecurityGroupId: id });
		assert.strictEqual(d.body.SecurityGroupId, id);
		assert.strictEqual(permissionsOf(d.body).length, 0);
		await ok(S, 'DeleteSecurityGroup', { RegionId: REGION, SecurityGroupId: id });
	});
}

// The endpoint speaks TLS 1.2+ with a certificate node trusts (the test CA
// from NODE_EXTRA_CA_CERTS), as the SDKs see it.
function tlsInfo() {
	return new Promise((resolve, reject) => {
		const s = tls.connect({ host: '127.0.0.1', port: PORT, rejectUnauthorized: false }, () => {
			const info = { authorized: s.authorized, error: s.authorizationError, protocol: s.getProtocol() };
			s.end();
			resolve(info);
		});
		s.setTimeout(60000, () => s.destroy(new Error('TLS handshake hung')));
		s.on('error', reject);
	});
}

async function main() {
	assert(NS_CLI, 'SGD_SDK_NS_CLI is not set: run this through tests/sdk/run.sh');
	assert(SGCTL && SOCK, 'SGD_SDK_SGCTL/SGD_SDK_SOCK are not set: run this through tests/sdk/run.sh');
	await check('sgd serves HTTPS (TLS 1.2+) with a certificate the SDKs trust', async () => {
		const t = await tlsInfo();
		assert(t.authorized, `certificate not trusted: ${t.error}`);
		assert(['TLSv1.2', 'TLSv1.3'].includes(t.protocol), `protocol ${t.protocol}`);
	});
	const nets = {
		ecs: { dev: 'sgd0', nic: '192.0.2.1', a: '192.0.2.2', b: '192.0.2.3', c: '192.0.2.4', net: '192.0.2.0/24',
			nic6: '2001:db8::1', a6: '2001:db8::2', net6: '2001:db8::/64' },
		pop: { dev: 'sgd1', nic: '198.51.100.1', a: '198.51.100.2', b: '198.51.100.3', c: '198.51.100.4', net: '198.51.100.0/24',
			nic6: '2001:db8:1::1', a6: '2001:db8:1::2', net6: '2001:db8:1::/64' },
	};
	const runs = [
		[ecsAdapter('ecs-v3', ACCOUNT_A.id, ACCOUNT_A.secret),
			ecsAdapter('ecs-v3-b', ACCOUNT_B.id, ACCOUNT_B.secret),
			ecsAdapter('ecs-v3-bad', ACCOUNT_A.id, 'wrong-secret'),
			ecsAdapter('ecs-v3-unknown', 'LTAIunknown9999', 'whatever'), nets.ecs],
		// pop-core: Describe* by GET (query), mutations by POST (form body).
		[popAdapter('pop-v1', ACCOUNT_A.id, ACCOUNT_A.secret, (a) => (a.startsWith('Describe') ? 'GET' : 'POST')),
			popAdapter('pop-v1-b', ACCOUNT_B.id, ACCOUNT_B.secret, () => 'GET'),
			popAdapter('pop-v1-bad', ACCOUNT_A.id, 'wrong-secret', () => 'GET'),
			popAdapter('pop-v1-unknown', 'LTAIunknown9999', 'whatever', () => 'POST'), nets.pop],
	];
	for (const [S, B, bad, unknown, net] of runs) {
		try {
			await scenario(S, B, bad, unknown, net);
		} catch (e) {
			if (!(e instanceof Abort)) throw e;
			console.log(`# ${S.label}: run aborted after "${e.message}" failed`);
		}
	}
	await roundTrip(popAdapter('pop-v1-get', ACCOUNT_A.id, ACCOUNT_A.secret, () => 'GET'));
	await roundTrip(ecsAdapter('ecs-v1', ACCOUNT_A.id, ACCOUNT_A.secret, { signatureAlgorithm: 'v2' }));
	const pop = popAdapter('pop-v1', ACCOUNT_A.id, ACCOUNT_A.secret, () => 'GET');
	await check('pop-v1: unknown Action -> InvalidAction.NotFound 404', () =>
		fails(pop, 'NoSuchActionAnywhere', { RegionId: REGION }, 'InvalidAction.NotFound', 404));
}

main().catch((e) => {
	failed++;
	console.log(`FAIL harness: ${describeError(e)}`);
}).finally(() => {
	reportFields();
	console.log(`${passed} passed, ${failed} failed`);
	process.exitCode = failed ? 1 : 0;
});
