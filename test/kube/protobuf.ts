// Just enough of the Kubernetes protobuf encoding (k8s.io/apimachinery runtime.Unknown envelope
// and the generated.proto messages) to accept the bodies kubectl's typed clients send for
// `kubectl create namespace|configmap|secret|serviceaccount`. Other kinds get 415 from the server.

import type { Json, JsonObject } from '../../src/kustomize/resource.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

type Field = { num: number; wire: number; value: bigint | Buffer };

function* fields(buf: Buffer): Generator<Field> {
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint');
      const b = buf[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const num = key >> 3;
    const wire = key & 7;
    if (wire === 0) yield { num, wire, value: varint() };
    else if (wire === 2) {
      const len = Number(varint());
      if (pos + len > buf.length) throw new Error('truncated field');
      yield { num, wire, value: buf.subarray(pos, pos + len) };
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

const str = (v: bigint | Buffer) => (Buffer.isBuffer(v) ? v.toString('utf8') : '');
const bytes = (v: bigint | Buffer) => (Buffer.isBuffer(v) ? v : Buffer.alloc(0));

/** A map<string, string|bytes> entry (key = 1, value = 2). */
function entry(v: bigint | Buffer, asBytes: boolean): [string, string] {
  let key = '';
  let value = '';
  for (const f of fields(bytes(v))) {
    if (f.num === 1) key = str(f.value);
    if (f.num === 2) value = asBytes ? bytes(f.value).toString('base64') : str(f.value);
  }
  return [key, value];
}

function objectMeta(buf: Buffer): JsonObject {
  const m: JsonObject = {};
  const labels: JsonObject = {};
  const annotations: JsonObject = {};
  const finalizers: Json[] = [];
  // Generated Kubernetes messages encode unset strings as empty ones.
  for (const f of fields(buf)) {
    if (f.num === 1 && str(f.value)) m.name = str(f.value);
    else if (f.num === 2 && str(f.value)) m.generateName = str(f.value);
    else if (f.num === 3 && str(f.value)) m.namespace = str(f.value);
    else if (f.num === 11) labels[entry(f.value, false)[0]] = entry(f.value, false)[1];
    else if (f.num === 12) annotations[entry(f.value, false)[0]] = entry(f.value, false)[1];
    else if (f.num === 14) finalizers.push(str(f.value));
  }
  if (Object.keys(labels).length) m.labels = labels;
  if (Object.keys(annotations).length) m.annotations = annotations;
  if (finalizers.length) m.finalizers = finalizers;
  return m;
}

/** Message decoders by kind: field number → how to set it on the JSON object. */
const KINDS: Record<string, (obj: JsonObject, f: Field) => void> = {
  Namespace: (obj, f) => {
    if (f.num === 2) obj.spec = { finalizers: [...fields(bytes(f.value))].filter((x) => x.num === 1).map((x) => str(x.value)) };
  },
  ConfigMap: (obj, f) => {
    if (f.num === 2) ((obj.data ??= {}) as JsonObject)[entry(f.value, false)[0]] = entry(f.value, false)[1];
    else if (f.num === 3) ((obj.binaryData ??= {}) as JsonObject)[entry(f.value, true)[0]] = entry(f.value, true)[1];
    else if (f.num === 4) obj.immutable = f.value !== 0n;
  },
  Secret: (obj, f) => {
    if (f.num === 2) ((obj.data ??= {}) as JsonObject)[entry(f.value, true)[0]] = entry(f.value, true)[1];
    else if (f.num === 3 && str(f.value)) obj.type = str(f.value);
    else if (f.num === 4) ((obj.stringData ??= {}) as JsonObject)[entry(f.value, false)[0]] = entry(f.value, false)[1];
    else if (f.num === 5) obj.immutable = f.value !== 0n;
  },
  ServiceAccount: (obj, f) => {
    if (f.num === 4) obj.automountServiceAccountToken = f.value !== 0n;
  },
};

/** The JSON form of a protobuf-encoded object of a supported kind; undefined otherwise. */
export function decodeProtobuf(body: Buffer): JsonObject | undefined {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) return undefined;
  let apiVersion = '';
  let kind = '';
  let raw: Buffer | undefined;
  for (const f of fields(body.subarray(4))) {
    if (f.num === 1) {
      for (const t of fields(bytes(f.value))) {
        if (t.num === 1) apiVersion = str(t.value);
        if (t.num === 2) kind = str(t.value);
      }
    } else if (f.num === 2) raw = bytes(f.value);
  }
  const decode = KINDS[kind];
  if (!decode || apiVersion !== 'v1' || !raw) return undefined;
  const obj: JsonObject = { apiVersion, kind };
  for (const f of fields(raw)) {
    if (f.num === 1) obj.metadata = objectMeta(bytes(f.value));
    else decode(obj, f);
  }
  return obj;
}
