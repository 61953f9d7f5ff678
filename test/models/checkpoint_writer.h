// TEST-ONLY writer of PyTorch-style zip checkpoints, with the opcodes Python's pickler (protocol 2)
// emits for torch.save: no real pyannote checkpoint can be obtained here, so the reader is tested
// on checkpoints built the way torch/serialization.py and Lightning build them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "formats/tensor_data.h"

namespace diarize::test {

// Emits pickle opcodes one by one, memoizing (BINPUT) where Python's pickler would.
class PickleWriter {
 public:
  explicit PickleWriter(int protocol = 2);
  std::vector<uint8_t> bytes;

  void op(uint8_t opcode) { bytes.push_back(opcode); }
  void raw(const std::string& text) { bytes.insert(bytes.end(), text.begin(), text.end()); }
  void mark() { op('('); }
  void stop() { op('.'); }
  void none() { op('N'); }
  void boolean(bool v) { op(v ? 0x88 : 0x89); }
  void integer(int64_t v);  // BININT1 / BININT2 / BININT / LONG1, as Python chooses
  void real(double v);      // BINFLOAT
  void string(const std::string& s);  // BINUNICODE + BINPUT
  // GLOBAL "module\nname\n" + BINPUT, or BINGET when this global was written before.
  void global(const std::string& module, const std::string& name);
  void empty_dict() { op('}'); put(); }
  void empty_list() { op(']'); put(); }
  void empty_tuple() { op(')'); }
  // Closes a tuple of `n` items already written (after a mark() when n > 3).
  void tuple(size_t n);
  void setitems() { op('u'); }
  void appends() { op('e'); }
  void reduce() { op('R'); put(); }
  void newobj() { op(0x81); put(); }
  void build() { op('b'); }
  uint32_t put();  // BINPUT / LONG_BINPUT of the top of the stack; returns the memo index
  void get(uint32_t index);

  // collections.OrderedDict() as Python pickles it: GLOBAL, (), REDUCE.
  void ordered_dict();
  // A tensor through torch._utils._rebuild_tensor_v2 on storage `key` of `storage_numel` elements.
  void tensor(DType dtype, const std::string& key, int64_t storage_numel, int64_t offset,
              const std::vector<int64_t>& shape, const std::vector<int64_t>& stride);
  // Only the argument tuple of _rebuild_tensor_v2 (for wrappers such as _rebuild_from_type_v2).
  void tensor_args(DType dtype, const std::string& key, int64_t storage_numel, int64_t offset,
                   const std::vector<int64_t>& shape, const std::vector<int64_t>& stride);
  // The same, wrapped in torch._utils._rebuild_parameter(tensor, requires_grad, OrderedDict()).
  void parameter(DType dtype, const std::string& key, int64_t storage_numel, int64_t offset,
                 const std::vector<int64_t>& shape, const std::vector<int64_t>& stride);

 private:
  uint32_t next_memo_ = 0;
  std::map<std::string, uint32_t> globals_;
};

struct ZipRecord {
  std::string name;
  std::vector<uint8_t> bytes;
  uint16_t method = 0;        // 8 claims deflate (the bytes are left as they are unless `packed` is set)
  bool corrupt_crc = false;
  // When not empty: the entry's data as written (e.g. raw deflate of `bytes`); sizes and CRC still
  // describe `bytes`, the content it unpacks to.
  std::vector<uint8_t> packed = {};
};

struct ZipWriteOptions {
  bool zip64 = false;       // ZIP64 extra fields and end records even for small files
  bool align_64 = true;     // pad local extra fields so data is 64-byte aligned, as torch does
};

std::vector<uint8_t> write_zip(const std::vector<ZipRecord>& records, const ZipWriteOptions& options = {});

// "<archive>/data.pkl", "<archive>/data/<key>" for each storage, "<archive>/byteorder" and
// "<archive>/version", in torch's order.
std::vector<ZipRecord> torch_records(const std::string& archive, const std::vector<uint8_t>& pickle,
                                     const std::map<std::string, std::vector<uint8_t>>& storages);

struct LightningOptions {
  std::string archive = "archive";
  bool with_metadata_attribute = true;  // state_dict._metadata, set through BUILD as torch does
  bool plain_state_dict = false;        // torch.save(model.state_dict()) instead of a Lightning dict
  // Extra top-level entries written as GLOBAL module.name(args...) REDUCE, e.g. "os.system".
  std::vector<std::pair<std::string, std::string>> hostile_calls;  // {qualified name, string arg}
};

// A checkpoint shaped like pyannote's Lightning checkpoints (see checkpoint_writer.cpp), each
// tensor in its own storage, plus its storages.
std::vector<uint8_t> lightning_pickle(const std::vector<TensorData>& state_dict, const LightningOptions& options);
std::map<std::string, std::vector<uint8_t>> storages_of(const std::vector<TensorData>& state_dict);
std::vector<uint8_t> write_lightning_checkpoint(const std::vector<TensorData>& state_dict,
                                                const LightningOptions& options = {},
                                                const ZipWriteOptions& zip_options = {});

}  // namespace diarize::test
