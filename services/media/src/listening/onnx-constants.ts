/**
 * Reads the float tensors of an ONNX model (graph initializers and `Constant` nodes, in every sub-graph) by
 * name. Just enough of the protobuf wire format for a small model whose forward pass we run ourselves, so the
 * media process does not have to load onnxruntime (about 40 MB of RSS for one 2 MB model).
 */
export interface FloatTensor {
  dims: number[];
  data: Float32Array;
}

// Field numbers from onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto).
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const NODE_OUTPUT = 2;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const ATTRIBUTE_NAME = 1;
const ATTRIBUTE_TENSOR = 5;
const ATTRIBUTE_GRAPH = 6;
const ATTRIBUTE_GRAPHS = 11;
const TENSOR_DIMS = 1;
const TENSOR_DATA_TYPE = 2;
const TENSOR_FLOAT_DATA = 4;
const TENSOR_NAME = 8;
const TENSOR_RAW_DATA = 9;
const DATA_TYPE_FLOAT = 1;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

interface Field {
  number: number;
  wire: number;
  /** Varint value (wire 0). */
  value: number;
  /** Byte range of a length-delimited field (wire 2) or of a fixed-width one. */
  start: number;
  end: number;
}

export class OnnxFormatError extends Error {
  override readonly name = 'OnnxFormatError';
}

function* fields(bytes: Uint8Array, start: number, end: number): Generator<Field> {
  let at = start;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (at >= end) throw new OnnxFormatError('truncated varint');
      const byte = bytes[at++]!;
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
    }
  };
  while (at < end) {
    const key = varint();
    const number = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === WIRE_VARINT) {
      const value = varint();
      yield { number, wire, value, start: at, end: at };
    } else if (wire === WIRE_BYTES) {
      const length = varint();
      if (at + length > end) throw new OnnxFormatError('field runs past its message');
      yield { number, wire, value: length, start: at, end: at + length };
      at += length;
    } else if (wire === WIRE_FIXED32 || wire === WIRE_FIXED64) {
      const width = wire === WIRE_FIXED32 ? 4 : 8;
      yield { number, wire, value: 0, start: at, end: at + width };
      at += width;
    } else {
      throw new OnnxFormatError(`unsupported wire type ${wire}`);
    }
  }
}

const text = (bytes: Uint8Array, f: Field) =>
  Buffer.from(bytes.buffer, bytes.byteOffset + f.start, f.end - f.start).toString('utf8');

function readTensor(bytes: Uint8Array, start: number, end: number): { name: string; tensor?: FloatTensor } {
  let name = '';
  let dataType = 0;
  const dims: number[] = [];
  let raw: Field | undefined;
  const floats: number[] = [];
  for (const f of fields(bytes, start, end)) {
    if (f.number === TENSOR_NAME) name = text(bytes, f);
    else if (f.number === TENSOR_DATA_TYPE) dataType = f.value;
    else if (f.number === TENSOR_DIMS && f.wire === WIRE_VARINT) dims.push(f.value);
    else if (f.number === TENSOR_DIMS && f.wire === WIRE_BYTES)
      for (const d of fields(bytes, f.start, f.end)) dims.push(d.number);
    else if (f.number === TENSOR_RAW_DATA) raw = f;
    else if (f.number === TENSOR_FLOAT_DATA && f.wire === WIRE_FIXED32)
      floats.push(view(bytes, f.start).getFloat32(0, true));
    else if (f.number === TENSOR_FLOAT_DATA && f.wire === WIRE_BYTES)
      for (let at = f.start; at < f.end; at += 4) floats.push(view(bytes, at).getFloat32(0, true));
  }
  if (dataType !== DATA_TYPE_FLOAT) return { name };
  const count = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  if (raw) {
    if (raw.end - raw.start !== count * 4)
      throw new OnnxFormatError(`tensor ${name}: raw data does not match its shape`);
    const source = view(bytes, raw.start);
    for (let i = 0; i < count; i += 1) data[i] = source.getFloat32(i * 4, true);
  } else {
    if (floats.length !== count) throw new OnnxFormatError(`tensor ${name}: float data does not match its shape`);
    data.set(floats);
  }
  return { name, tensor: { dims, data } };
}

const view = (bytes: Uint8Array, at: number) => new DataView(bytes.buffer, bytes.byteOffset + at);

function readGraph(bytes: Uint8Array, start: number, end: number, into: Map<string, FloatTensor>): void {
  for (const f of fields(bytes, start, end)) {
    if (f.number === GRAPH_INITIALIZER) {
      const { name, tensor } = readTensor(bytes, f.start, f.end);
      if (tensor) into.set(name, tensor);
    } else if (f.number === GRAPH_NODE) {
      readNode(bytes, f.start, f.end, into);
    }
  }
}

function readNode(bytes: Uint8Array, start: number, end: number, into: Map<string, FloatTensor>): void {
  let opType = '';
  let output = '';
  let constant: FloatTensor | undefined;
  for (const f of fields(bytes, start, end)) {
    if (f.number === NODE_OP_TYPE) opType = text(bytes, f);
    else if (f.number === NODE_OUTPUT && output === '') output = text(bytes, f);
    else if (f.number === NODE_ATTRIBUTE) {
      let attribute = '';
      for (const a of fields(bytes, f.start, f.end)) {
        if (a.number === ATTRIBUTE_NAME) attribute = text(bytes, a);
        else if (a.number === ATTRIBUTE_TENSOR && attribute !== 'sparse_value')
          constant = readTensor(bytes, a.start, a.end).tensor;
        else if (a.number === ATTRIBUTE_GRAPH || a.number === ATTRIBUTE_GRAPHS) readGraph(bytes, a.start, a.end, into);
      }
    }
  }
  if (opType === 'Constant' && constant && output !== '') into.set(output, constant);
}

/** Every float tensor in the model, by name (a `Constant` node's tensor under the node's output name). */
export function readOnnxFloatTensors(model: Uint8Array): Map<string, FloatTensor> {
  const tensors = new Map<string, FloatTensor>();
  for (const f of fields(model, 0, model.length)) {
    if (f.number === MODEL_GRAPH) readGraph(model, f.start, f.end, tensors);
  }
  if (tensors.size === 0) throw new OnnxFormatError('no float tensors: not an ONNX model');
  return tensors;
}
