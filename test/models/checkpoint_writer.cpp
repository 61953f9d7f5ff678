// TEST-ONLY: builds torch.save-style zip checkpoints with the opcode sequences Python's pickler
// writes at protocol 2 (save_dict batches SETITEMS, save_reduce writes func, args, REDUCE, then
// dict items, then state and BUILD; objects of plain classes go through NEWOBJ; enums through REDUCE).
#include "models/checkpoint_writer.h"

#include <cstring>

#include "formats/zip_archive.h"

namespace diarize::test {

namespace {

void le(std::vector<uint8_t>& out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

const char* storage_class(DType dtype) {
  switch (dtype) {
    case DType::F32: return "FloatStorage";
    case DType::F64: return "DoubleStorage";
    case DType::F16: return "HalfStorage";
    case DType::BF16: return "BFloat16Storage";
    case DType::I64: return "LongStorage";
    case DType::I32: return "IntStorage";
    case DType::I16: return "ShortStorage";
    case DType::I8: return "CharStorage";
    case DType::U8: return "ByteStorage";
    case DType::BOOL: return "BoolStorage";
  }
  return "?";
}

std::vector<int64_t> contiguous_strides(const std::vector<int64_t>& shape) {
  std::vector<int64_t> stride(shape.size());
  int64_t s = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    stride[d] = s;
    s *= shape[d];
  }
  return stride;
}

}  // namespace

PickleWriter::PickleWriter(int protocol) {
  op(0x80);
  op(static_cast<uint8_t>(protocol));
}

void PickleWriter::integer(int64_t v) {
  if (v >= 0 && v < 256) {
    op('K');
    op(static_cast<uint8_t>(v));
  } else if (v >= 0 && v < 65536) {
    op('M');
    le(bytes, static_cast<uint64_t>(v), 2);
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    op('J');
    le(bytes, static_cast<uint64_t>(v), 4);
  } else {
    // LONG1 with the shortest little-endian two's complement encoding.
    int n = 8;
    while (n > 1) {
      const int64_t shifted = v >> (8 * (n - 1) - 1);
      if (shifted != 0 && shifted != -1) break;
      --n;
    }
    op(0x8a);
    op(static_cast<uint8_t>(n));
    le(bytes, static_cast<uint64_t>(v), n);
  }
}

void PickleWriter::real(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  op('G');
  for (int i = 7; i >= 0; --i) op(static_cast<uint8_t>(bits >> (8 * i)));
}

void PickleWriter::string(const std::string& s) {
  op('X');
  le(bytes, s.size(), 4);
  raw(s);
  put();
}

void PickleWriter::global(const std::string& module, const std::string& name) {
  const std::string key = module + "\n" + name + "\n";
  const auto it = globals_.find(key);
  if (it != globals_.end()) {
    get(it->second);
    return;
  }
  op('c');
  raw(key);
  globals_[key] = put();
}

void PickleWriter::tuple(size_t n) {
  if (n == 0) op(')');
  else if (n <= 3) op(static_cast<uint8_t>(0x84 + n));
  else op('t');
  if (n > 0) put();
}

uint32_t PickleWriter::put() {
  const uint32_t index = next_memo_++;
  if (index < 256) {
    op('q');
    op(static_cast<uint8_t>(index));
  } else {
    op('r');
    le(bytes, index, 4);
  }
  return index;
}

void PickleWriter::get(uint32_t index) {
  if (index < 256) {
    op('h');
    op(static_cast<uint8_t>(index));
  } else {
    op('j');
    le(bytes, index, 4);
  }
}

void PickleWriter::ordered_dict() {
  global("collections", "OrderedDict");
  empty_tuple();
  reduce();
}

void PickleWriter::tensor(DType dtype, const std::string& key, int64_t storage_numel, int64_t offset,
                          const std::vector<int64_t>& shape, const std::vector<int64_t>& stride) {
  global("torch._utils", "_rebuild_tensor_v2");
  tensor_args(dtype, key, storage_numel, offset, shape, stride);
  reduce();
}

void PickleWriter::tensor_args(DType dtype, const std::string& key, int64_t storage_numel, int64_t offset,
                               const std::vector<int64_t>& shape, const std::vector<int64_t>& stride) {
  mark();  // the 6 arguments
  // persistent id ('storage', torch.<X>Storage, key, location, numel), then BINPERSID
  mark();
  string("storage");
  global("torch", storage_class(dtype));
  string(key);
  string("cpu");
  integer(storage_numel);
  tuple(5);
  op('Q');
  integer(offset);
  if (shape.size() > 3) mark();
  for (int64_t d : shape) integer(d);
  tuple(shape.size());
  if (stride.size() > 3) mark();
  for (int64_t s : stride) integer(s);
  tuple(stride.size());
  boolean(false);  // requires_grad
  ordered_dict();  // backward_hooks
  tuple(6);
}

void PickleWriter::parameter(DType dtype, const std::string& key, int64_t storage_numel, int64_t offset,
                             const std::vector<int64_t>& shape, const std::vector<int64_t>& stride) {
  global("torch._utils", "_rebuild_parameter");
  tensor(dtype, key, storage_numel, offset, shape, stride);
  boolean(true);
  ordered_dict();
  tuple(3);
  reduce();
}

std::vector<uint8_t> write_zip(const std::vector<ZipRecord>& records, const ZipWriteOptions& options) {
  std::vector<uint8_t> out;
  std::vector<uint64_t> offsets;
  for (const auto& r : records) {
    offsets.push_back(out.size());
    const uint32_t crc = zip_crc32(r.bytes.data(), r.bytes.size()) ^ (r.corrupt_crc ? 1u : 0u);
    const std::vector<uint8_t>& data = r.packed.empty() ? r.bytes : r.packed;
    size_t extra = 0;
    if (options.align_64) {
      const size_t data_at = out.size() + 30 + r.name.size() + 4;
      extra = 4 + (64 - data_at % 64) % 64;
    }
    le(out, 0x04034b50, 4);
    le(out, options.zip64 ? 45 : 20, 2);
    le(out, 0, 2);
    le(out, r.method, 2);
    le(out, 0, 4);  // time, date
    le(out, crc, 4);
    le(out, data.size(), 4);
    le(out, r.bytes.size(), 4);
    le(out, r.name.size(), 2);
    le(out, extra, 2);
    out.insert(out.end(), r.name.begin(), r.name.end());
    if (extra > 0) {
      le(out, 0x4246, 2);  // "FB", torch's padding field
      le(out, extra - 4, 2);
      out.insert(out.end(), extra - 4, 'Z');
    }
    out.insert(out.end(), data.begin(), data.end());
  }
  const uint64_t cd_offset = out.size();
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    le(out, 0x02014b50, 4);
    le(out, options.zip64 ? 45 : 20, 2);
    le(out, options.zip64 ? 45 : 20, 2);
    le(out, 0, 2);
    le(out, r.method, 2);
    le(out, 0, 4);
    le(out, zip_crc32(r.bytes.data(), r.bytes.size()) ^ (r.corrupt_crc ? 1u : 0u), 4);
    const uint64_t big = 0xffffffffu;
    const uint64_t packed_size = r.packed.empty() ? r.bytes.size() : r.packed.size();
    le(out, options.zip64 ? big : packed_size, 4);
    le(out, options.zip64 ? big : r.bytes.size(), 4);
    le(out, r.name.size(), 2);
    le(out, options.zip64 ? 28 : 0, 2);
    le(out, 0, 2);  // comment
    le(out, 0, 2);  // disk
    le(out, 0, 2);  // internal attributes
    le(out, 0, 4);  // external attributes
    le(out, options.zip64 ? big : offsets[i], 4);
    out.insert(out.end(), r.name.begin(), r.name.end());
    if (options.zip64) {
      le(out, 0x0001, 2);
      le(out, 24, 2);
      le(out, r.bytes.size(), 8);
      le(out, r.packed.empty() ? r.bytes.size() : r.packed.size(), 8);
      le(out, offsets[i], 8);
    }
  }
  const uint64_t cd_size = out.size() - cd_offset;
  if (options.zip64) {
    const uint64_t record = out.size();
    le(out, 0x06064b50, 4);
    le(out, 44, 8);
    le(out, 45, 2);
    le(out, 45, 2);
    le(out, 0, 4);
    le(out, 0, 4);
    le(out, records.size(), 8);
    le(out, records.size(), 8);
    le(out, cd_size, 8);
    le(out, cd_offset, 8);
    le(out, 0x07064b50, 4);
    le(out, 0, 4);
    le(out, record, 8);
    le(out, 1, 4);
  }
  le(out, 0x06054b50, 4);
  le(out, 0, 2);
  le(out, 0, 2);
  le(out, options.zip64 ? 0xffff : records.size(), 2);
  le(out, options.zip64 ? 0xffff : records.size(), 2);
  le(out, options.zip64 ? 0xffffffffu : cd_size, 4);
  le(out, options.zip64 ? 0xffffffffu : cd_offset, 4);
  le(out, 0, 2);
  return out;
}

std::vector<ZipRecord> torch_records(const std::string& archive, const std::vector<uint8_t>& pickle,
                                     const std::map<std::string, std::vector<uint8_t>>& storages) {
  std::vector<ZipRecord> records;
  records.push_back({archive + "/data.pkl", pickle});
  records.push_back({archive + "/byteorder", {'l', 'i', 't', 't', 'l', 'e'}});
  for (const auto& [key, bytes] : storages) records.push_back({archive + "/data/" + key, bytes});
  records.push_back({archive + "/version", {'3', '\n'}});
  records.push_back({archive + "/.data/serialization_id", {'1', '2', '3'}});
  return records;
}

std::map<std::string, std::vector<uint8_t>> storages_of(const std::vector<TensorData>& state_dict) {
  std::map<std::string, std::vector<uint8_t>> storages;
  for (size_t i = 0; i < state_dict.size(); ++i) storages[std::to_string(i)] = state_dict[i].bytes;
  return storages;
}

namespace {

// OrderedDict(name -> tensor) with state {'_metadata': OrderedDict([('', {'version': 1})])}.
void write_state_dict(PickleWriter& w, const std::vector<TensorData>& state_dict, bool with_metadata) {
  w.ordered_dict();
  if (!state_dict.empty()) {
    w.mark();
    for (size_t i = 0; i < state_dict.size(); ++i) {
      const TensorData& t = state_dict[i];
      w.string(t.name);
      w.tensor(t.dtype, std::to_string(i), t.numel(), 0, t.shape, contiguous_strides(t.shape));
    }
    w.setitems();
  }
  if (with_metadata) {
    w.empty_dict();
    w.string("_metadata");
    w.ordered_dict();
    w.string("");
    w.empty_dict();
    w.string("version");
    w.integer(1);
    w.op('s');
    w.op('s');
    w.op('s');
    w.build();
  }
}

void write_string_dict(PickleWriter& w, const std::vector<std::pair<std::string, std::string>>& items) {
  w.empty_dict();
  w.mark();
  for (const auto& [k, v] : items) {
    w.string(k);
    w.string(v);
  }
  w.setitems();
}

// pyannote.audio.core.task.Specifications as object.__reduce_ex__(2) pickles a dataclass:
// cls, (), NEWOBJ, then its __dict__ and BUILD. Its enums pickle as Problem(1): REDUCE.
void write_specifications(PickleWriter& w) {
  w.global("pyannote.audio.core.task", "Specifications");
  w.empty_tuple();
  w.newobj();
  w.empty_dict();
  w.mark();
  w.string("problem");
  w.global("pyannote.audio.core.task", "Problem");
  w.integer(1);
  w.tuple(1);
  w.reduce();
  w.string("resolution");
  w.global("pyannote.audio.core.task", "Resolution");
  w.integer(1);
  w.tuple(1);
  w.reduce();
  w.string("duration");
  w.real(10.0);
  w.string("min_duration");
  w.none();
  w.string("warm_up");
  w.real(0.0);
  w.real(0.0);
  w.tuple(2);
  w.string("classes");
  w.empty_list();
  w.mark();
  w.string("speaker#1");
  w.string("speaker#2");
  w.string("speaker#3");
  w.appends();
  w.string("powerset_max_classes");
  w.integer(2);
  w.string("permutation_invariant");
  w.boolean(true);
  w.setitems();
  w.build();
}

}  // namespace

std::vector<uint8_t> lightning_pickle(const std::vector<TensorData>& state_dict, const LightningOptions& options) {
  PickleWriter w;
  if (options.plain_state_dict) {
    write_state_dict(w, state_dict, options.with_metadata_attribute);
    w.stop();
    return w.bytes;
  }
  w.empty_dict();
  w.mark();
  w.string("epoch");
  w.integer(3);
  w.string("global_step");
  w.integer(123456);
  w.string("pytorch-lightning_version");
  w.string("1.9.5");
  w.string("state_dict");
  write_state_dict(w, state_dict, options.with_metadata_attribute);
  w.string("pyannote.audio");
  w.empty_dict();
  w.mark();
  w.string("versions");
  write_string_dict(w, {{"torch", "1.13.1"}, {"pyannote.audio", "3.1.0"}});
  w.string("architecture");
  write_string_dict(w, {{"module", "pyannote.audio.models.segmentation.PyanNet"}, {"class", "PyanNet"}});
  w.string("specifications");
  write_specifications(w);
  w.setitems();
  w.string("hparams_name");
  w.string("kwargs");
  w.string("hyper_parameters");
  w.empty_dict();
  w.mark();
  w.string("sample_rate");
  w.integer(16000);
  w.string("num_channels");
  w.integer(1);
  w.string("lstm");
  w.empty_dict();
  w.mark();
  w.string("hidden_size");
  w.integer(128);
  w.string("num_layers");
  w.integer(4);
  w.string("bidirectional");
  w.boolean(true);
  w.string("dropout");
  w.real(0.5);
  w.setitems();
  w.string("task");
  w.none();
  w.setitems();
  w.string("optimizer_states");
  w.empty_list();
  w.string("lr_schedulers");
  w.empty_list();
  for (const auto& [qualified, arg] : options.hostile_calls) {
    const size_t dot = qualified.rfind('.');
    w.string("call:" + qualified);
    w.global(qualified.substr(0, dot), qualified.substr(dot + 1));
    w.string(arg);
    w.tuple(1);
    w.reduce();
  }
  w.setitems();
  w.stop();
  return w.bytes;
}

std::vector<uint8_t> write_lightning_checkpoint(const std::vector<TensorData>& state_dict,
                                                const LightningOptions& options, const ZipWriteOptions& zip_options) {
  return write_zip(torch_records(options.archive, lightning_pickle(state_dict, options), storages_of(state_dict)),
                   zip_options);
}

}  // namespace diarize::test
