// The restricted unpickler: a stack machine over an arena of inert values, then a bounded
// conversion of the result into a PickleValue tree. Nothing named by a GLOBAL is ever looked up;
// only the handful of torch rebuild functions and OrderedDict are given their meaning.
#include "formats/pickle_reader.h"

#include <cstring>
#include <unordered_map>

namespace diarize {

const PickleValue* PickleValue::get(const std::string& key) const {
  for (const auto& [k, v] : entries)
    if (k.kind == Kind::String && k.text == key) return &v;
  return nullptr;
}

std::string PickleValue::describe() const {
  switch (kind) {
    case Kind::None: return "None";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Float: return "float";
    case Kind::String: return "string";
    case Kind::Bytes: return "bytes";
    case Kind::List: return "list";
    case Kind::Tuple: return "tuple";
    case Kind::Dict: return "dict";
    case Kind::Tensor: return std::string("tensor ") + dtype_name(tensor.dtype) + " " + shape_to_string(tensor.shape);
    case Kind::Global: return "global " + text;
    case Kind::Object: return "object " + text;
  }
  return "?";
}

namespace {

using Id = uint32_t;

// Arena-internal kinds: the public ones plus a storage reference (from a persistent id).
enum class NodeKind { None, Bool, Int, Float, String, Bytes, List, Tuple, Dict, Tensor, Global, Object, Storage };

struct Node {
  NodeKind kind = NodeKind::None;
  int64_t integer = 0;  // Bool, Int; Storage and Tensor: index into their side tables
  double real = 0.0;
  std::string text;
  std::vector<Id> items;
  std::vector<std::pair<Id, Id>> entries;
};

struct StorageRef {
  DType dtype;
  ByteView bytes;
  int64_t numel;
};

struct TensorView {
  size_t storage;  // index into the storages table
  int64_t offset;  // in elements
  std::vector<int64_t> shape;
  std::vector<int64_t> stride;
};

constexpr size_t kMaxDims = 16;
constexpr int64_t kMaxDim = int64_t(1) << 40;
constexpr size_t kMaxExpansion = 16;  // values in the result per value unpickled

// Storage classes torch writes into persistent ids, and the dtype of their elements.
bool storage_dtype(const std::string& name, DType& dtype) {
  static const std::pair<const char*, DType> table[] = {
      {"torch.FloatStorage", DType::F32},   {"torch.DoubleStorage", DType::F64},
      {"torch.HalfStorage", DType::F16},    {"torch.BFloat16Storage", DType::BF16},
      {"torch.LongStorage", DType::I64},    {"torch.IntStorage", DType::I32},
      {"torch.ShortStorage", DType::I16},   {"torch.CharStorage", DType::I8},
      {"torch.ByteStorage", DType::U8},     {"torch.BoolStorage", DType::BOOL}};
  for (const auto& [n, d] : table)
    if (name == n) {
      dtype = d;
      return true;
    }
  return false;
}

class Unpickler {
 public:
  Unpickler(const uint8_t* data, size_t size, const StorageLoader& load, const std::string& origin,
            const PickleLimits& limits)
      : data_(data), size_(size), load_(load), origin_(origin), limits_(limits) {}

  PickleValue run() {
    const Id root = execute();
    // Python's pickler shares every value it has seen before (BINGET), so the tree may repeat
    // subtrees; a real checkpoint repeats few (tied weights, strings), a hostile one doubles a
    // tuple per byte. Cap the expansion so that a tiny file cannot keep us busy for seconds.
    max_values_ = kMaxExpansion * nodes_.size() + 4096;
    return convert(root, 0);
  }

 private:
  const uint8_t* data_;
  size_t size_;
  const StorageLoader& load_;
  const std::string& origin_;
  PickleLimits limits_;
  size_t pos_ = 0;
  size_t op_pos_ = 0;  // where the current opcode started, for error messages
  std::vector<Node> nodes_;
  std::vector<StorageRef> storages_;
  std::vector<TensorView> tensors_;
  std::vector<Id> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, Id> memo_;
  // Each storage is looked up (and CRC-checked by the zip reader) once, however often it is named.
  std::unordered_map<std::string, ByteView> loaded_;
  size_t output_bytes_ = 0;
  size_t values_ = 0;
  size_t max_values_ = 0;

  FormatError fail(const std::string& why) const {
    return FormatError(origin_ + ": pickle: " + why + " (byte " + std::to_string(op_pos_) + ")");
  }

  // ---- reading the stream ----
  const uint8_t* take(size_t n) {
    if (n > size_ - pos_) throw fail("truncated");
    const uint8_t* p = data_ + pos_;
    pos_ += n;
    return p;
  }
  uint64_t take_le(size_t n) {
    const uint8_t* p = take(n);
    uint64_t v = 0;
    for (size_t i = n; i-- > 0;) v = (v << 8) | p[i];
    return v;
  }
  std::string take_string(uint64_t n) {
    if (n > size_ - pos_) throw fail("a length of " + std::to_string(n) + " bytes runs past the end");
    const uint8_t* p = take(static_cast<size_t>(n));
    return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
  }
  std::string take_line() {
    const void* nl = std::memchr(data_ + pos_, '\n', size_ - pos_);
    if (!nl) throw fail("unterminated line");
    const size_t n = static_cast<const uint8_t*>(nl) - (data_ + pos_);
    std::string line = take_string(n);
    pos_ += 1;
    return line;
  }

  // ---- the arena and the stack ----
  Id make(NodeKind kind) {
    if (nodes_.size() >= limits_.max_objects)
      throw fail("more than " + std::to_string(limits_.max_objects) + " objects");
    nodes_.emplace_back();
    nodes_.back().kind = kind;
    return static_cast<Id>(nodes_.size() - 1);
  }
  Id make_int(int64_t v) {
    const Id id = make(NodeKind::Int);
    nodes_[id].integer = v;
    return id;
  }
  Id make_text(NodeKind kind, std::string text) {
    const Id id = make(kind);
    nodes_[id].text = std::move(text);
    return id;
  }
  void push(Id id) { stack_.push_back(id); }
  Id pop() {
    if (stack_.empty() || (!marks_.empty() && stack_.size() == marks_.back())) throw fail("stack underflow");
    const Id id = stack_.back();
    stack_.pop_back();
    return id;
  }
  Id& top() {
    if (stack_.empty() || (!marks_.empty() && stack_.size() == marks_.back())) throw fail("stack underflow");
    return stack_.back();
  }
  // Pops everything above the last MARK, and the mark.
  std::vector<Id> pop_mark() {
    if (marks_.empty()) throw fail("no MARK on the stack");
    const size_t mark = marks_.back();
    marks_.pop_back();
    std::vector<Id> items(stack_.begin() + static_cast<std::ptrdiff_t>(mark), stack_.end());
    stack_.resize(mark);
    return items;
  }
  Node& node(Id id) { return nodes_[id]; }
  const Node& expect(Id id, NodeKind kind, const char* what) {
    if (nodes_[id].kind != kind) throw fail(std::string("expected ") + what);
    return nodes_[id];
  }
  void memo_put(uint64_t index) {
    memo_[index] = top();
  }
  void memo_get(uint64_t index) {
    const auto it = memo_.find(index);
    if (it == memo_.end()) throw fail("memo entry " + std::to_string(index) + " was never stored");
    push(it->second);
  }

  void append_to(Id target, const std::vector<Id>& items) {
    Node& t = node(target);
    if (t.kind != NodeKind::List && t.kind != NodeKind::Object) throw fail("APPEND to a non-list");
    t.items.insert(t.items.end(), items.begin(), items.end());
  }
  void set_items(Id target, const std::vector<Id>& kv) {
    if (kv.size() % 2 != 0) throw fail("SETITEMS with an odd number of values");
    Node& t = node(target);
    if (t.kind != NodeKind::Dict && t.kind != NodeKind::Object) throw fail("SETITEM on a non-dict");
    for (size_t i = 0; i < kv.size(); i += 2) t.entries.emplace_back(kv[i], kv[i + 1]);
  }

  // ---- calls: only OrderedDict and torch's rebuild functions mean anything ----
  Id call(Id callable, Id args, int depth = 0) {
    const NodeKind ck = node(callable).kind;
    if (ck != NodeKind::Global && ck != NodeKind::Object) throw fail("call of a non-callable");
    if (node(args).kind != NodeKind::Tuple) throw fail("call arguments are not a tuple");
    const std::string name = node(callable).text;
    const std::vector<Id> a = node(args).items;
    if (ck == NodeKind::Global) {
      if (name == "collections.OrderedDict" || name == "builtins.dict") {
        const Id d = make(NodeKind::Dict);
        if (!a.empty()) {  // OrderedDict([(key, value), ...])
          if (a.size() != 1 || node(a[0]).kind != NodeKind::List) throw fail("unsupported OrderedDict arguments");
          for (Id pair : std::vector<Id>(node(a[0]).items)) {
            if (node(pair).kind != NodeKind::Tuple || node(pair).items.size() != 2)
              throw fail("OrderedDict item is not a pair");
            node(d).entries.emplace_back(node(pair).items[0], node(pair).items[1]);
          }
        }
        return d;
      }
      if (name == "torch._utils._rebuild_tensor_v2") return rebuild_tensor(a);
      if (name == "torch._utils._rebuild_parameter" || name == "torch._utils._rebuild_parameter_with_state") {
        if (a.size() < 3 || node(a[0]).kind != NodeKind::Tensor) throw fail(name + " without a tensor");
        return a[0];
      }
      if (name == "torch._tensor._rebuild_from_type_v2") {
        // (func, type, func_args, state): a tensor subclass; keep the tensor func builds.
        if (a.size() != 4 || depth > 2) throw fail("unsupported " + name + " arguments");
        return call(a[0], a[2], depth + 1);
      }
    }
    // Anything else is an inert object that remembers what it was built from.
    const Id obj = make_text(NodeKind::Object, name);
    node(obj).items = a;
    return obj;
  }

  Id rebuild_tensor(const std::vector<Id>& a) {
    // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    if (a.size() != 6 && a.size() != 7) throw fail("_rebuild_tensor_v2 expects 6 or 7 arguments");
    const Node& s = expect(a[0], NodeKind::Storage, "a storage as the first argument of _rebuild_tensor_v2");
    const StorageRef& storage = storages_[static_cast<size_t>(s.integer)];
    TensorView view;
    view.storage = static_cast<size_t>(s.integer);
    view.offset = expect(a[1], NodeKind::Int, "an integer storage offset").integer;
    const Node& size = expect(a[2], NodeKind::Tuple, "a size tuple");
    const Node& stride = expect(a[3], NodeKind::Tuple, "a stride tuple");
    if (size.items.size() != stride.items.size()) throw fail("size and stride differ in length");
    if (size.items.size() > kMaxDims) throw fail("more than 16 dimensions");
    for (size_t i = 0; i < size.items.size(); ++i) {
      const int64_t d = expect(size.items[i], NodeKind::Int, "integer sizes").integer;
      const int64_t st = expect(stride.items[i], NodeKind::Int, "integer strides").integer;
      if (d < 0 || d > kMaxDim) throw fail("absurd tensor size " + std::to_string(d));
      if (st < 0) throw fail("negative stride");
      view.shape.push_back(d);
      view.stride.push_back(st);
    }
    if (view.offset < 0 || view.offset > storage.numel) throw fail("storage offset outside its storage");
    const int64_t numel = checked_numel(view.shape, static_cast<int64_t>(limits_.max_output_bytes),
                                        origin_ + ": pickle: tensor");
    if (numel > 0) {
      // The last element the view touches must lie inside the storage.
      int64_t last = view.offset;
      for (size_t i = 0; i < view.shape.size(); ++i) {
        const int64_t span = view.shape[i] - 1;
        if (span > 0 && view.stride[i] > (storage.numel - 1 - last) / span)
          throw fail("tensor view " + shape_to_string(view.shape) + " runs past its storage of " +
                     std::to_string(storage.numel) + " elements");
        last += span * view.stride[i];
      }
      if (last >= storage.numel) throw fail("tensor view runs past its storage");
    }
    tensors_.push_back(std::move(view));
    const Id t = make(NodeKind::Tensor);
    node(t).integer = static_cast<int64_t>(tensors_.size() - 1);
    return t;
  }

  Id persistent_load(Id pid) {
    // ('storage', storage_type, key, location, numel)
    const Node& t = expect(pid, NodeKind::Tuple, "a persistent id tuple");
    if (t.items.size() != 5 || node(t.items[0]).kind != NodeKind::String || node(t.items[0]).text != "storage")
      throw fail("unsupported persistent id (not a torch storage)");
    const Node& type = expect(t.items[1], NodeKind::Global, "a storage class");
    StorageRef ref{};
    if (!storage_dtype(type.text, ref.dtype)) throw fail("unsupported storage class " + type.text);
    const std::string key = expect(t.items[2], NodeKind::String, "a storage key").text;
    ref.numel = expect(t.items[4], NodeKind::Int, "an element count").integer;
    if (ref.numel < 0) throw fail("negative storage size");
    auto cached = loaded_.find(key);
    if (cached == loaded_.end()) cached = loaded_.emplace(key, load_(key)).first;
    ref.bytes = cached->second;
    if (static_cast<uint64_t>(ref.numel) > ref.bytes.size / dtype_size(ref.dtype) ||
        static_cast<uint64_t>(ref.numel) * dtype_size(ref.dtype) != ref.bytes.size)
      throw fail("storage '" + key + "' has " + std::to_string(ref.bytes.size) + " bytes, not " +
                 std::to_string(ref.numel) + " " + dtype_name(ref.dtype) + " elements");
    storages_.push_back(ref);
    const Id s = make(NodeKind::Storage);
    node(s).integer = static_cast<int64_t>(storages_.size() - 1);
    return s;
  }

  void build(Id target, Id state) {
    Node& t = node(target);
    if (t.kind != NodeKind::Object) return;  // a dict's or tensor's attributes (e.g. _metadata) are dropped
    const Node& s = node(state);
    auto merge = [&](Id dict) {
      if (node(dict).kind == NodeKind::Dict) {
        const auto entries = node(dict).entries;
        node(target).entries.insert(node(target).entries.end(), entries.begin(), entries.end());
        return true;
      }
      return node(dict).kind == NodeKind::None;
    };
    if (merge(state)) return;
    // (state, slotstate), as object.__reduce_ex__ writes for classes with __slots__.
    if (s.kind == NodeKind::Tuple && s.items.size() == 2) {
      const Id first = s.items[0], second = s.items[1];
      if (merge(first) && merge(second)) return;
    }
    node(target).items.push_back(state);
  }

  int64_t signed_le(const uint8_t* p, size_t n) {
    uint64_t v = 0;
    for (size_t i = n; i-- > 0;) v = (v << 8) | p[i];
    if (n < 8 && n > 0 && (p[n - 1] & 0x80)) v |= ~uint64_t(0) << (8 * n);
    return static_cast<int64_t>(v);
  }

  Id long_value(size_t n) {
    if (n > size_ - pos_) throw fail("a length of " + std::to_string(n) + " bytes runs past the end");
    const uint8_t* p = take(n);
    if (n > 8) return make_text(NodeKind::Object, "builtins.int");  // wider than 64 bits: kept inert
    return make_int(signed_le(p, n));
  }

  Id execute() {
    while (true) {
      op_pos_ = pos_;
      const uint8_t op = *take(1);
      switch (op) {
        case 0x80: {  // PROTO
          const uint8_t v = *take(1);
          if (v > 5) throw fail("unsupported pickle protocol " + std::to_string(v));
          break;
        }
        case 0x95: take(8); break;  // FRAME: a length hint only
        case '.': {                 // STOP
          if (stack_.empty()) throw fail("STOP with an empty stack");
          return stack_.back();
        }
        case '(': marks_.push_back(stack_.size()); break;
        case '0': pop(); break;
        case '1': pop_mark(); break;
        case '2': push(top()); break;
        case 'N': push(make(NodeKind::None)); break;
        case 0x88: case 0x89: {  // NEWTRUE, NEWFALSE
          const Id id = make(NodeKind::Bool);
          node(id).integer = op == 0x88;
          push(id);
          break;
        }
        case 'J': push(make_int(signed_le(take(4), 4))); break;  // BININT
        case 'K': push(make_int(*take(1))); break;                // BININT1
        case 'M': push(make_int(static_cast<int64_t>(take_le(2)))); break;  // BININT2
        case 0x8a: push(long_value(*take(1))); break;             // LONG1
        case 0x8b: {                                              // LONG4
          const int64_t n = signed_le(take(4), 4);
          if (n < 0) throw fail("negative LONG4 length");
          push(long_value(static_cast<size_t>(n)));
          break;
        }
        case 'G': {  // BINFLOAT, big-endian
          const uint8_t* p = take(8);
          uint64_t bits = 0;
          for (int i = 0; i < 8; ++i) bits = (bits << 8) | p[i];
          const Id id = make(NodeKind::Float);
          std::memcpy(&node(id).real, &bits, sizeof bits);
          push(id);
          break;
        }
        case 'X': push(make_text(NodeKind::String, take_string(take_le(4)))); break;  // BINUNICODE
        case 0x8c: push(make_text(NodeKind::String, take_string(*take(1)))); break;  // SHORT_BINUNICODE
        case 0x8d: push(make_text(NodeKind::String, take_string(take_le(8)))); break;  // BINUNICODE8
        case 'T': {  // BINSTRING (Python 2 str)
          const int64_t n = signed_le(take(4), 4);
          if (n < 0) throw fail("negative BINSTRING length");
          push(make_text(NodeKind::String, take_string(static_cast<uint64_t>(n))));
          break;
        }
        case 'U': push(make_text(NodeKind::String, take_string(*take(1)))); break;  // SHORT_BINSTRING
        case 'B': push(make_text(NodeKind::Bytes, take_string(take_le(4)))); break;  // BINBYTES
        case 'C': push(make_text(NodeKind::Bytes, take_string(*take(1)))); break;  // SHORT_BINBYTES
        case 0x8e: push(make_text(NodeKind::Bytes, take_string(take_le(8)))); break;  // BINBYTES8
        case ']': push(make(NodeKind::List)); break;      // EMPTY_LIST
        case 0x8f: push(make(NodeKind::List)); break;     // EMPTY_SET (kept as a list)
        case 'l': {                                       // LIST
          auto items = pop_mark();
          const Id id = make(NodeKind::List);
          node(id).items = std::move(items);
          push(id);
          break;
        }
        case 0x91: {  // FROZENSET (kept as a list)
          auto items = pop_mark();
          const Id id = make(NodeKind::List);
          node(id).items = std::move(items);
          push(id);
          break;
        }
        case 'a': {  // APPEND
          const Id v = pop();
          append_to(top(), {v});
          break;
        }
        case 'e': case 0x90: {  // APPENDS, ADDITEMS
          auto items = pop_mark();
          append_to(top(), items);
          break;
        }
        case ')': push(make(NodeKind::Tuple)); break;  // EMPTY_TUPLE
        case 't': {                                    // TUPLE
          auto items = pop_mark();
          const Id id = make(NodeKind::Tuple);
          node(id).items = std::move(items);
          push(id);
          break;
        }
        case 0x85: case 0x86: case 0x87: {  // TUPLE1..3
          std::vector<Id> items(static_cast<size_t>(op - 0x84));
          for (size_t i = items.size(); i-- > 0;) items[i] = pop();
          const Id id = make(NodeKind::Tuple);
          node(id).items = std::move(items);
          push(id);
          break;
        }
        case '}': push(make(NodeKind::Dict)); break;  // EMPTY_DICT
        case 'd': {                                   // DICT
          auto kv = pop_mark();
          const Id id = make(NodeKind::Dict);
          set_items(id, kv);
          push(id);
          break;
        }
        case 's': {  // SETITEM
          const Id v = pop();
          const Id k = pop();
          set_items(top(), {k, v});
          break;
        }
        case 'u': {  // SETITEMS
          auto kv = pop_mark();
          set_items(top(), kv);
          break;
        }
        case 'c': {  // GLOBAL "module\nname\n": recorded by name, never imported
          std::string module = take_line();
          std::string name = take_line();
          push(make_text(NodeKind::Global, module + "." + name));
          break;
        }
        case 0x93: {  // STACK_GLOBAL
          const Id name = pop();
          const Id module = pop();
          const std::string qualified = expect(module, NodeKind::String, "a module name").text + "." +
                                        expect(name, NodeKind::String, "a global name").text;
          push(make_text(NodeKind::Global, qualified));
          break;
        }
        case 'R': {  // REDUCE
          const Id args = pop();
          const Id callable = pop();
          push(call(callable, args));
          break;
        }
        case 0x81: {  // NEWOBJ: cls.__new__(cls, *args)
          const Id args = pop();
          const Id cls = pop();
          push(call(cls, args));
          break;
        }
        case 0x92: {  // NEWOBJ_EX: cls.__new__(cls, *args, **kwargs)
          const Id kwargs = pop();
          const Id args = pop();
          const Id cls = pop();
          const Id obj = call(cls, args);
          if (node(obj).kind == NodeKind::Object) build(obj, kwargs);
          push(obj);
          break;
        }
        case 'b': {  // BUILD
          const Id state = pop();
          build(top(), state);
          break;
        }
        case 'Q': push(persistent_load(pop())); break;  // BINPERSID
        case 'h': memo_get(*take(1)); break;            // BINGET
        case 'j': memo_get(take_le(4)); break;          // LONG_BINGET
        case 'q': memo_put(*take(1)); break;            // BINPUT
        case 'r': memo_put(take_le(4)); break;          // LONG_BINPUT
        case 0x94: memo_put(memo_.size()); break;       // MEMOIZE
        default: {
          static const char* hex = "0123456789abcdef";
          throw fail(std::string("unsupported opcode 0x") + hex[op >> 4] + hex[op & 15]);
        }
      }
    }
  }

  // ---- the result as a tree ----
  void charge(size_t bytes) {
    output_bytes_ += bytes;
    if (output_bytes_ > limits_.max_output_bytes)
      throw fail("the result would exceed " + std::to_string(limits_.max_output_bytes) + " bytes");
  }

  TensorData materialize(const TensorView& view) {
    const StorageRef& s = storages_[view.storage];
    const size_t elem = dtype_size(s.dtype);
    TensorData t;
    t.dtype = s.dtype;
    t.shape = view.shape;
    if (limits_.payload == TensorPayload::kShapesOnly) return t;
    const int64_t numel = t.numel();
    charge(static_cast<size_t>(numel) * elem);
    t.bytes.resize(static_cast<size_t>(numel) * elem);
    if (numel == 0) return t;
    bool contiguous = true;
    int64_t expected = 1;
    for (size_t d = view.shape.size(); d-- > 0;) {
      if (view.shape[d] != 1 && view.stride[d] != expected) contiguous = false;
      expected *= view.shape[d];
    }
    if (contiguous) {
      std::memcpy(t.bytes.data(), s.bytes.data + static_cast<size_t>(view.offset) * elem, t.bytes.size());
      return t;
    }
    // Walk the view in row-major order (rebuild_tensor checked that it stays inside).
    std::vector<int64_t> index(view.shape.size(), 0);
    int64_t src = view.offset;
    for (int64_t n = 0; n < numel; ++n) {
      std::memcpy(t.bytes.data() + static_cast<size_t>(n) * elem, s.bytes.data + static_cast<size_t>(src) * elem, elem);
      for (size_t d = view.shape.size(); d-- > 0;) {
        if (++index[d] < view.shape[d]) {
          src += view.stride[d];
          break;
        }
        src -= (view.shape[d] - 1) * view.stride[d];
        index[d] = 0;
      }
    }
    return t;
  }

  PickleValue convert(Id id, size_t depth) {
    if (depth > limits_.max_depth)
      throw fail("values nest deeper than " + std::to_string(limits_.max_depth) + " levels (or refer to themselves)");
    if (++values_ > max_values_)
      throw fail("shared values would expand more than " + std::to_string(kMaxExpansion) + "-fold");
    const Node& n = nodes_[id];
    charge(sizeof(PickleValue) + n.text.size());
    PickleValue v;
    switch (n.kind) {
      case NodeKind::None: v.kind = PickleValue::Kind::None; break;
      case NodeKind::Bool: v.kind = PickleValue::Kind::Bool; v.boolean = n.integer != 0; break;
      case NodeKind::Int: v.kind = PickleValue::Kind::Int; v.integer = n.integer; break;
      case NodeKind::Float: v.kind = PickleValue::Kind::Float; v.real = n.real; break;
      case NodeKind::String: v.kind = PickleValue::Kind::String; v.text = n.text; break;
      case NodeKind::Bytes: v.kind = PickleValue::Kind::Bytes; v.text = n.text; break;
      case NodeKind::List: v.kind = PickleValue::Kind::List; break;
      case NodeKind::Tuple: v.kind = PickleValue::Kind::Tuple; break;
      case NodeKind::Dict: v.kind = PickleValue::Kind::Dict; break;
      case NodeKind::Global: v.kind = PickleValue::Kind::Global; v.text = n.text; break;
      case NodeKind::Object: v.kind = PickleValue::Kind::Object; v.text = n.text; break;
      case NodeKind::Tensor:
        v.kind = PickleValue::Kind::Tensor;
        v.tensor = materialize(tensors_[static_cast<size_t>(n.integer)]);
        break;
      case NodeKind::Storage: throw fail("a bare storage outside a tensor");
    }
    // Copies of the id lists: converting children may not touch this node, but keep it simple.
    const std::vector<Id> items = n.items;
    const std::vector<std::pair<Id, Id>> entries = n.entries;
    for (Id item : items) v.items.push_back(convert(item, depth + 1));
    std::unordered_map<std::string, size_t> string_keys;  // a repeated key overwrites, as in Python
    for (const auto& [k, val] : entries) {
      PickleValue key = convert(k, depth + 1);
      PickleValue value = convert(val, depth + 1);
      if (key.kind == PickleValue::Kind::String) {
        const auto [it, fresh] = string_keys.emplace(key.text, v.entries.size());
        if (!fresh) {
          v.entries[it->second].second = std::move(value);
          continue;
        }
      }
      v.entries.emplace_back(std::move(key), std::move(value));
    }
    return v;
  }
};

}  // namespace

PickleValue parse_pickle(const uint8_t* data, size_t size, const StorageLoader& load_storage,
                         const std::string& origin, const PickleLimits& limits) {
  return Unpickler(data, size, load_storage, origin, limits).run();
}

}  // namespace diarize
