// Restricted unpickler: the values torch.save pickles, placeholders for everything else, and
// hostile streams (which must end in a FormatError, never a crash, a hang or a huge allocation).
#include <catch2/catch.hpp>

#include <cstring>
#include <map>

#include "formats/pickle_reader.h"
#include "models/checkpoint_writer.h"

using namespace diarize;

namespace {

struct Storages {
  std::map<std::string, std::vector<uint8_t>> bytes;
  StorageLoader loader() const {
    return [this](const std::string& key) {
      const auto it = bytes.find(key);
      if (it == bytes.end()) throw FormatError("storage '" + key + "' is missing");
      return ByteView{it->second.data(), it->second.size()};
    };
  }
};

PickleValue unpickle(const std::vector<uint8_t>& p, const Storages& s = {}, const PickleLimits& limits = {}) {
  return parse_pickle(p.data(), p.size(), s.loader(), "p", limits);
}

std::string error_of(const std::vector<uint8_t>& p, const Storages& s = {}, const PickleLimits& limits = {}) {
  try {
    unpickle(p, s, limits);
  } catch (const FormatError& e) {
    return e.what();
  }
  return "no error";
}

std::vector<uint8_t> f32_bytes(const std::vector<float>& v) {
  std::vector<uint8_t> b(v.size() * 4);
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

}  // namespace

TEST_CASE("unpickler builds scalars, containers and memoized values", "[pickle]") {
  test::PickleWriter w;
  w.empty_list();
  w.mark();
  w.none();
  w.boolean(true);
  w.integer(7);
  w.integer(300);
  w.integer(-5);
  w.integer(int64_t(1) << 40);
  w.integer(-(int64_t(1) << 62));
  w.real(-2.5);
  w.string("héllo");
  w.get(1);  // the memoized string again
  w.empty_dict();
  w.string("k");
  w.integer(1);
  w.op('s');
  w.string("k");  // a repeated key overwrites, keeping its first place
  w.integer(2);
  w.op('s');
  w.appends();
  w.stop();
  const PickleValue v = unpickle(w.bytes);
  REQUIRE(v.kind == PickleValue::Kind::List);
  REQUIRE(v.items.size() == 11);
  CHECK(v.items[0].kind == PickleValue::Kind::None);
  CHECK(v.items[1].boolean);
  CHECK(v.items[2].integer == 7);
  CHECK(v.items[3].integer == 300);
  CHECK(v.items[4].integer == -5);
  CHECK(v.items[5].integer == int64_t(1) << 40);
  CHECK(v.items[6].integer == -(int64_t(1) << 62));
  CHECK(v.items[7].real == -2.5);
  CHECK(v.items[8].text == "héllo");
  CHECK(v.items[9].text == "héllo");
  REQUIRE(v.items[10].entries.size() == 1);
  CHECK(v.items[10].get("k")->integer == 2);
}

TEST_CASE("unpickler rebuilds tensors: dtypes, views, shared storages, parameters", "[pickle]") {
  Storages s;
  s.bytes["0"] = f32_bytes({0, 1, 2, 3, 4, 5});
  s.bytes["1"] = {1, 0, 1};
  test::PickleWriter w;
  w.empty_list();
  w.mark();
  w.tensor(DType::F32, "0", 6, 0, {2, 3}, {3, 1});        // contiguous
  w.tensor(DType::F32, "0", 6, 0, {3, 2}, {1, 3});        // its transpose (non-contiguous)
  w.tensor(DType::F32, "0", 6, 4, {2}, {1});              // a slice at an offset
  w.tensor(DType::F32, "0", 6, 1, {2, 2}, {0, 2});        // a broadcast (stride 0)
  w.parameter(DType::BOOL, "1", 3, 0, {3}, {1});          // nn.Parameter
  w.tensor(DType::F32, "0", 6, 6, {0}, {1});              // empty, at the storage's end
  // A tensor subclass: _rebuild_from_type_v2(_rebuild_tensor_v2, Parameter, args, state).
  w.global("torch._tensor", "_rebuild_from_type_v2");
  w.mark();
  w.global("torch._utils", "_rebuild_tensor_v2");
  w.global("torch.nn.parameter", "Parameter");
  w.tensor_args(DType::F32, "0", 6, 5, {1}, {1});
  w.empty_dict();
  w.tuple(4);
  w.reduce();
  // OrderedDict([('a', 1)]), as protocol 0/1 picklers write it.
  w.global("collections", "OrderedDict");
  w.empty_list();
  w.mark();
  w.string("a");
  w.integer(1);
  w.tuple(2);
  w.appends();
  w.tuple(1);
  w.reduce();
  w.appends();
  w.stop();
  const PickleValue v = unpickle(w.bytes, s);
  REQUIRE(v.items.size() == 8);
  for (size_t i = 0; i < 7; ++i) REQUIRE(v.items[i].kind == PickleValue::Kind::Tensor);
  CHECK(v.items[0].tensor.to_f32() == std::vector<float>{0, 1, 2, 3, 4, 5});
  CHECK(v.items[0].tensor.shape == std::vector<int64_t>{2, 3});
  CHECK(v.items[1].tensor.to_f32() == std::vector<float>{0, 3, 1, 4, 2, 5});
  CHECK(v.items[2].tensor.to_f32() == std::vector<float>{4, 5});
  CHECK(v.items[3].tensor.to_f32() == std::vector<float>{1, 3, 1, 3});
  CHECK(v.items[4].tensor.dtype == DType::BOOL);
  CHECK(v.items[4].tensor.bytes == std::vector<uint8_t>{1, 0, 1});
  CHECK(v.items[5].tensor.numel() == 0);
  CHECK(v.items[6].tensor.to_f32() == std::vector<float>{5});
  REQUIRE(v.items[7].kind == PickleValue::Kind::Dict);
  CHECK(v.items[7].get("a")->integer == 1);
}

TEST_CASE("unpickler looks each storage up once, however often it is named", "[pickle]") {
  const std::vector<uint8_t> bytes = f32_bytes({1, 2});
  int lookups = 0;
  const StorageLoader counting = [&](const std::string&) {
    ++lookups;
    return ByteView{bytes.data(), bytes.size()};
  };
  test::PickleWriter w;
  w.empty_list();
  w.mark();
  for (int i = 0; i < 50; ++i) w.tensor(DType::F32, "0", 2, 0, {2}, {1});
  w.appends();
  w.stop();
  CHECK(parse_pickle(w.bytes.data(), w.bytes.size(), counting, "p").items.size() == 50);
  CHECK(lookups == 1);  // a hostile pickle cannot make the zip reader CRC one big entry again and again
}

TEST_CASE("unpickler keeps unknown globals inert", "[pickle]") {
  const std::string marker = "/tmp/diarize_pickle_must_not_exist";
  std::remove(marker.c_str());
  test::PickleWriter w;
  w.empty_list();
  w.mark();
  w.global("os", "system");  // os.system('touch ...') as REDUCE
  w.string("touch " + marker);
  w.tuple(1);
  w.reduce();
  w.global("builtins", "eval");  // a bare global, never called
  w.global("posix", "system");   // NEWOBJ, BUILD, SETITEMS and APPENDS on a placeholder
  w.empty_tuple();
  w.newobj();
  w.empty_dict();
  w.string("state");
  w.integer(1);
  w.op('s');
  w.build();
  w.mark();
  w.string("key");
  w.none();
  w.setitems();
  w.mark();
  w.integer(5);
  w.appends();
  // STACK_GLOBAL (protocol 4) of subprocess.Popen, called.
  w.string("subprocess");
  w.string("Popen");
  w.op(0x93);
  w.empty_tuple();
  w.reduce();
  w.appends();
  w.stop();
  const PickleValue v = unpickle(w.bytes);
  REQUIRE(v.items.size() == 4);
  CHECK(v.items[0].describe() == "object os.system");
  CHECK(v.items[0].items.at(0).text == "touch " + marker);
  CHECK(v.items[1].describe() == "global builtins.eval");
  CHECK(v.items[2].describe() == "object posix.system");
  CHECK(v.items[2].get("state")->integer == 1);
  CHECK(v.items[2].get("key")->kind == PickleValue::Kind::None);
  CHECK(v.items[2].items.at(0).integer == 5);
  CHECK(v.items[3].describe() == "object subprocess.Popen");
  FILE* f = std::fopen(marker.c_str(), "r");
  CHECK(f == nullptr);  // nothing was executed
  if (f) std::fclose(f);
}

TEST_CASE("unpickler rejects hostile streams with a FormatError", "[pickle]") {
  auto stream = [](std::initializer_list<uint8_t> ops) {
    std::vector<uint8_t> b = {0x80, 2};
    for (uint8_t op : ops) b.push_back(op);  // (vector::insert trips a GCC 12 -Warray-bounds false positive)
    return b;
  };
  CHECK_THAT(error_of(stream({'I', '1', '\n', '.'})), Catch::Contains("unsupported opcode 0x49"));
  CHECK_THAT(error_of(stream({0xff})), Catch::Contains("unsupported opcode 0xff"));
  CHECK_THAT(error_of({0x80, 9, '.'}), Catch::Contains("protocol 9"));
  CHECK_THAT(error_of(stream({'N'})), Catch::Contains("truncated"));
  CHECK_THAT(error_of(stream({'X', 0xf0, 0xff, 0xff, 0xff, 'a', '.'})), Catch::Contains("runs past the end"));
  CHECK_THAT(error_of(stream({0x8d, 0, 0, 0, 0, 0, 0, 0, 0x80, '.'})), Catch::Contains("runs past the end"));
  CHECK_THAT(error_of(stream({'j', 0xff, 0xff, 0xff, 0xff, '.'})), Catch::Contains("memo entry 4294967295 was never stored"));
  CHECK_THAT(error_of(stream({'a', '.'})), Catch::Contains("stack underflow"));
  CHECK_THAT(error_of(stream({'(', 'a', '.'})), Catch::Contains("stack underflow"));
  CHECK_THAT(error_of(stream({'e', '.'})), Catch::Contains("no MARK"));
  CHECK_THAT(error_of(stream({'.'})), Catch::Contains("empty stack"));
  CHECK_THAT(error_of(stream({'K', 1, ')', 'R', '.'})), Catch::Contains("non-callable"));
  CHECK_THAT(error_of(stream({'K', 1, 'K', 2, 'a', '.'})), Catch::Contains("non-list"));
  CHECK_THAT(error_of(stream({'c', 'o', 's'})), Catch::Contains("unterminated line"));
  // A huge memo index is just a key: storing and fetching it works.
  CHECK(unpickle(stream({'K', 9, 'r', 0xff, 0xff, 0xff, 0xff, 'j', 0xff, 0xff, 0xff, 0xff, '.'})).integer == 9);

  // A list that contains itself, and a very deep nesting: both stop at the depth limit.
  CHECK_THAT(error_of(stream({']', 'q', 0, 'h', 0, 'a', '.'})), Catch::Contains("nest deeper"));
  std::vector<uint8_t> deep = {0x80, 2};
  for (int i = 0; i < 100000; ++i) deep.push_back(']');
  for (int i = 0; i < 99999; ++i) deep.push_back('a');
  deep.push_back('.');
  CHECK_THAT(error_of(deep), Catch::Contains("nest deeper than 64"));
  // Doubling a list 40 times (2^40 references) stops at the output budget, quickly.
  std::vector<uint8_t> bomb = {0x80, 2, 'K', 1};
  for (int i = 0; i < 40; ++i) bomb.insert(bomb.end(), {'2', 0x86});  // DUP, TUPLE2
  bomb.push_back('.');
  CHECK_THAT(error_of(bomb), Catch::Contains("expand more than 16-fold"));
  PickleLimits few;
  few.max_objects = 10;
  CHECK_THAT(error_of(bomb, {}, few), Catch::Contains("more than 10 objects"));

  // Tensors that lie about their storage.
  Storages s;
  s.bytes["0"] = f32_bytes({1, 2, 3, 4});
  auto tensor = [&](int64_t numel, int64_t offset, std::vector<int64_t> shape, std::vector<int64_t> stride,
                    const std::string& key = "0") {
    test::PickleWriter w;
    w.tensor(DType::F32, key, numel, offset, shape, stride);
    w.stop();
    return error_of(w.bytes, s);
  };
  CHECK(tensor(4, 0, {2, 2}, {2, 1}) == "no error");
  CHECK_THAT(tensor(5, 0, {4}, {1}), Catch::Contains("has 16 bytes, not 5 F32 elements"));
  CHECK_THAT(tensor(int64_t(1) << 61, 0, {4}, {1}), Catch::Contains("not 2305843009213693952 F32"));
  CHECK_THAT(tensor(4, 1, {4}, {1}), Catch::Contains("runs past its storage"));
  CHECK_THAT(tensor(4, 0, {2, 2}, {int64_t(1) << 62, 1}), Catch::Contains("runs past its storage"));
  CHECK_THAT(tensor(4, 0, {int64_t(1) << 40, int64_t(1) << 40}, {0, 0}), Catch::Contains("absurdly large"));
  CHECK_THAT(tensor(4, 0, {int64_t(1) << 41}, {0}), Catch::Contains("absurd tensor size"));
  CHECK_THAT(tensor(4, 0, {2}, {-1}), Catch::Contains("negative stride"));
  {  // a stride-0 broadcast of one storage is charged for every element it materializes
    test::PickleWriter w;
    w.tensor(DType::F32, "0", 4, 0, {1000}, {0});
    w.stop();
    PickleLimits small;
    small.max_output_bytes = 2000;
    CHECK_THAT(error_of(w.bytes, s, small), Catch::Contains("would exceed 2000 bytes"));
  }
  CHECK_THAT(tensor(4, 5, {0}, {1}), Catch::Contains("offset outside"));
  CHECK_THAT(tensor(4, 0, {1}, {1}, "7"), Catch::Contains("storage '7' is missing"));
}
