#include "matcher/positional_check.hpp"

#include <sys/mman.h>
// Valgrind's tools lose track of the calls across our own switch: a profiling build defines
// KAVOSH_UCONTEXT_STACKS to switch through ucontext as other architectures do.
#if defined(__x86_64__) && !defined(KAVOSH_UCONTEXT_STACKS)
#define KAVOSH_OWN_STACK_SWITCH 1
#else
#include <ucontext.h>
#endif

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define KAVOSH_FIBER_ANNOTATIONS 1
#endif

namespace kavosh::search::matcher {
namespace {

// Switching stacks. glibc's swapcontext saves and restores the signal mask, a system call
// each way (2 us a round trip on the bench machine), which checking candidates one at a time
// would pay some 70 times a query; on x86-64 the switch is ours: the callee-saved registers
// and the floating-point control words go on the stack being left, its stack pointer into
// *from, and the other stack's are restored from `to`. Elsewhere, ucontext.
#if defined(KAVOSH_OWN_STACK_SWITCH)
extern "C" void kavosh_switch_stack(void** from, void* to);
asm(R"(
  .pushsection .text
  .p2align 4
  .type kavosh_switch_stack, @function
kavosh_switch_stack:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size kavosh_switch_stack, .-kavosh_switch_stack
  .popsection
)");

struct StackContext {
  void* stack_pointer = nullptr;
};

// A fresh stack laid out as kavosh_switch_stack leaves one it switched away from, so that the
// first switch to it "returns" into `entry`: the control words (their defaults), six zeroed
// registers, `entry`'s address and a null return address for `entry` itself, which never
// returns. `entry` starts with the stack pointer 8 past a multiple of 16, as after a call.
void prepare(StackContext& context, char* bottom, std::size_t size, void (*entry)()) {
#ifdef KAVOSH_FIBER_ANNOTATIONS
  // A reused stack still carries the poisoned redzones of the frames its last Enquire left
  // without returning from them.
  ASAN_UNPOISON_MEMORY_REGION(bottom, size);
#endif
  char* top = bottom + size;
  top -= reinterpret_cast<std::uintptr_t>(top) % 16;
  auto* slots = reinterpret_cast<std::uint64_t*>(top) - 9;
  constexpr std::uint32_t kDefaultMxcsr = 0x1f80;
  constexpr std::uint16_t kDefaultFpuControl = 0x037f;
  slots[0] = kDefaultMxcsr | (std::uint64_t{kDefaultFpuControl} << 32);
  for (int i = 1; i <= 6; ++i) slots[i] = 0;
  slots[7] = reinterpret_cast<std::uint64_t>(entry);
  slots[8] = 0;
  context.stack_pointer = slots;
}

void switch_stacks(StackContext& from, StackContext& to) {
  kavosh_switch_stack(&from.stack_pointer, to.stack_pointer);
}
#else
struct StackContext {
  ucontext_t context{};
};

void prepare(StackContext& context, char* bottom, std::size_t size, void (*entry)()) {
#ifdef KAVOSH_FIBER_ANNOTATIONS
  ASAN_UNPOISON_MEMORY_REGION(bottom, size);  // as above
#endif
  getcontext(&context.context);
  context.context.uc_stack.ss_sp = bottom;
  context.context.uc_stack.ss_size = size;
  context.context.uc_link = nullptr;
  makecontext(&context.context, entry, 0);
}

void switch_stacks(StackContext& from, StackContext& to) {
  swapcontext(&from.context, &to.context);
}
#endif

// Xapian's matcher nests a few frames per query operator; a sanitizer build's frames are
// several times larger. Pages are committed only as they are touched, and the lowest one is a
// guard, so an overflow faults instead of writing over other memory.
constexpr std::size_t kStackBytes = std::size_t{1} << 20;
constexpr std::size_t kGuardBytes = 4096;

class Stack {
 public:
  Stack() {
    void* base = mmap(nullptr, kStackBytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED)
      throw std::system_error(errno, std::generic_category(), "phrase check stack");
    base_ = static_cast<char*>(base);
    if (mprotect(base_, kGuardBytes, PROT_NONE) != 0) {
      const int error = errno;
      munmap(base_, kStackBytes);
      throw std::system_error(error, std::generic_category(), "phrase check stack guard");
    }
  }
  ~Stack() {
    if (base_) munmap(base_, kStackBytes);
  }
  Stack(Stack&& other) noexcept : base_(std::exchange(other.base_, nullptr)) {}
  Stack& operator=(Stack&&) = delete;
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  char* bottom() const { return base_ + kGuardBytes; }
  static constexpr std::size_t size() { return kStackBytes - kGuardBytes; }

 private:
  char* base_;
};

// A search thread checks phrases query after query: its stacks are kept for the next one
// rather than mapped and unmapped each time (three system calls).
thread_local std::vector<Stack> spare_stacks;
constexpr std::size_t kSpareStacks = 2;

Stack take_stack() {
  if (spare_stacks.empty()) return Stack();
  Stack stack = std::move(spare_stacks.back());
  spare_stacks.pop_back();
  return stack;
}

void give_back(Stack stack) {
  if (spare_stacks.size() < kSpareStacks) spare_stacks.push_back(std::move(stack));
}

}  // namespace

struct PositionalCheck::Match {
  Match(const Xapian::Database& db, const Xapian::Query& positional)
      : db(db), positional(positional), stack(take_stack()) {}
  ~Match() {
    if (started && !finished) {
      // The Enquire is waiting for a batch: tell it none comes, so that it returns and its
      // objects are destroyed on its own stack.
      no_more = true;
      batch.clear();
      to_match();
    }
    give_back(std::move(stack));
  }
  Match(const Match&) = delete;
  Match& operator=(const Match&) = delete;

  // From the pass: keeps of `docids` those where the phrase holds (the Enquire starts on the
  // first call) and comes back.
  void check(std::vector<Xapian::docid>& docids);
  // On the Enquire's stack, from its candidate source: back to the pass until the next batch.
  void await_batch() { to_pass(); }
  // The Enquire has returned (it was told no batch comes, or it failed): it cannot go on.
  bool finished_or_failed() const { return finished; }

  const Xapian::Database& db;
  Xapian::Query positional;
  std::vector<Xapian::docid> batch;
  std::size_t at = 0;  // the candidate source's place in `batch`
  std::vector<Xapian::docid> holding;
  bool no_more = false;

 private:
  static void entry();
  void run() noexcept;
  void to_match();
  void to_pass();

  Stack stack;
  StackContext pass_context;
  StackContext match_context;
  bool started = false;
  bool finished = false;
  std::exception_ptr error;
#ifdef KAVOSH_FIBER_ANNOTATIONS
  void* pass_fake_stack = nullptr;
  void* match_fake_stack = nullptr;
  const void* pass_stack_bottom = nullptr;
  std::size_t pass_stack_size = 0;
#endif
};

namespace {

// The candidates of the current batch, as Xapian's matcher pulls them; at a batch's end it
// waits (back on the pass's stack) for the next one.
class BatchSource : public Xapian::PostingSource {
 public:
  explicit BatchSource(PositionalCheck::Match& match) : match_(match) {}
  // Xapian orders an AND's lists by these: the batch, a few documents, goes first.
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return 1; }
  Xapian::doccount get_termfreq_max() const override { return match_.db.get_doccount(); }
  void init(const Xapian::Database&) override { started_ = false; }
  void next(double) override {
    if (started_) ++match_.at;
    started_ = true;
    settle(0);
  }
  void skip_to(Xapian::docid target, double) override {
    started_ = true;
    settle(target);
  }
  bool at_end() const override { return match_.at >= match_.batch.size(); }
  Xapian::docid get_docid() const override { return match_.batch[match_.at]; }

 private:
  void settle(Xapian::docid target) {
    for (;;) {
      const auto from = match_.batch.begin() + static_cast<std::ptrdiff_t>(match_.at);
      match_.at = static_cast<std::size_t>(std::lower_bound(from, match_.batch.end(), target) -
                                           match_.batch.begin());
      if (match_.at < match_.batch.size() || match_.no_more) return;
      match_.await_batch();  // the next batch lies above this one: start it from its front
      match_.at = 0;
    }
  }

  PositionalCheck::Match& match_;
  bool started_ = false;
};

// Told of every candidate the phrase holds in; keeps none in Xapian's result.
class HoldingRecorder : public Xapian::MatchDecider {
 public:
  explicit HoldingRecorder(std::vector<Xapian::docid>& holding) : holding_(holding) {}
  bool operator()(const Xapian::Document& doc) const override {
    holding_.push_back(doc.get_docid());
    return false;
  }

 private:
  std::vector<Xapian::docid>& holding_;
};

}  // namespace

namespace {
// The Match whose stack a thread is about to enter for the first time (the entry function takes
// no arguments).
thread_local PositionalCheck::Match* starting_match = nullptr;
}  // namespace

void PositionalCheck::Match::entry() { std::exchange(starting_match, nullptr)->run(); }

void PositionalCheck::Match::run() noexcept {
#ifdef KAVOSH_FIBER_ANNOTATIONS
  __sanitizer_finish_switch_fiber(nullptr, &pass_stack_bottom, &pass_stack_size);
#endif
  try {
    BatchSource source(*this);
    HoldingRecorder recorder(holding);
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, positional, Xapian::Query(&source)));
    // The recorder turns every document down, so the result never holds one (Xapian reserves
    // room for `maxitems`: one).
    enquire.get_mset(0, 1, 1, nullptr, &recorder);
  } catch (...) {
    error = std::current_exception();
  }
  finished = true;
#ifdef KAVOSH_FIBER_ANNOTATIONS
  // This stack is left for good: no fake stack of its own to keep.
  __sanitizer_start_switch_fiber(nullptr, pass_stack_bottom, pass_stack_size);
#endif
  switch_stacks(match_context, pass_context);  // never resumed
}

void PositionalCheck::Match::to_match() {
  if (!started) {
    started = true;
    prepare(match_context, stack.bottom(), Stack::size(), &Match::entry);
    starting_match = this;
  }
#ifdef KAVOSH_FIBER_ANNOTATIONS
  __sanitizer_start_switch_fiber(&pass_fake_stack, stack.bottom(), Stack::size());
#endif
  switch_stacks(pass_context, match_context);
#ifdef KAVOSH_FIBER_ANNOTATIONS
  __sanitizer_finish_switch_fiber(pass_fake_stack, nullptr, nullptr);
#endif
}

void PositionalCheck::Match::to_pass() {
#ifdef KAVOSH_FIBER_ANNOTATIONS
  __sanitizer_start_switch_fiber(&match_fake_stack, pass_stack_bottom, pass_stack_size);
#endif
  switch_stacks(match_context, pass_context);
#ifdef KAVOSH_FIBER_ANNOTATIONS
  __sanitizer_finish_switch_fiber(match_fake_stack, &pass_stack_bottom, &pass_stack_size);
#endif
}

void PositionalCheck::Match::check(std::vector<Xapian::docid>& docids) {
  batch.swap(docids);
  at = 0;
  holding.clear();
  to_match();
  if (error) std::rethrow_exception(error);
  // Xapian's matcher meets one database's documents in docid order; the callers merge by it.
  if (!std::is_sorted(holding.begin(), holding.end())) std::sort(holding.begin(), holding.end());
  docids.swap(holding);
}

PositionalCheck::PositionalCheck(const Xapian::Database& db, Xapian::Query positional)
    : db_(db), positional_(std::move(positional)) {}

PositionalCheck::~PositionalCheck() = default;

void PositionalCheck::keep_holding(std::vector<Xapian::docid>& docids) {
  if (docids.empty()) return;
  if (match_ && (match_->finished_or_failed() || docids.front() <= last_docid_)) match_.reset();
  if (!match_) match_ = std::make_unique<Match>(db_, positional_);
  last_docid_ = docids.back();
  match_->check(docids);
}

void ClauseCheck::keep_holding(const Xapian::Database& db, const ClauseCursor& clause,
                               std::vector<Xapian::docid>& docids) {
  unknown_.clear();
  std::size_t kept = 0;
  for (const Xapian::docid docid : docids) {
    const std::optional<bool> holds = clause.holds_by_sequence(docid);
    if (!holds)
      unknown_.push_back(docid);
    else if (*holds)
      docids[kept++] = docid;
  }
  docids.resize(kept);
  if (unknown_.empty()) return;
  if (clause.positions_elsewhere()) {
    std::erase_if(unknown_,
                  [&](Xapian::docid docid) { return !clause.holds_elsewhere(db, docid); });
  } else {
    if (!positional_)
      positional_ = std::make_unique<PositionalCheck>(db, clause.positional_query());
    positional_->keep_holding(unknown_);
  }
  const auto middle = static_cast<std::ptrdiff_t>(docids.size());
  docids.insert(docids.end(), unknown_.begin(), unknown_.end());
  std::inplace_merge(docids.begin(), docids.begin() + middle, docids.end());
}

}  // namespace kavosh::search::matcher
