/**
 * Identifiers in emitted Verilog. User names are kept; names that are Verilog-2005,
 * SystemVerilog or C++ keywords are renamed (`begin` -> `begin_`), because Verilator turns every
 * Verilog name into a C++ name and warns (SYMRSVDWORD) about C++ keywords, and users often run
 * the output through SystemVerilog tools. Renaming beats `\escaped ` identifiers: they work in
 * every tool and stay readable.
 */

const VERILOG_2005 = `always and assign automatic begin buf bufif0 bufif1 case casex casez cell cmos config deassign
default defparam design disable edge else end endcase endconfig endfunction endgenerate endmodule endprimitive
endspecify endtable endtask event for force forever fork function generate genvar highz0 highz1 if ifnone incdir
include initial inout input instance integer join large liblist library localparam macromodule medium module nand
negedge nmos nor noshowcancelled not notif0 notif1 or output parameter pmos posedge primitive pull0 pull1 pulldown
pullup pulsestyle_onevent pulsestyle_ondetect rcmos real realtime reg release repeat rnmos rpmos rtran rtranif0
rtranif1 scalared showcancelled signed small specify specparam strong0 strong1 supply0 supply1 table task time tran
tranif0 tranif1 tri tri0 tri1 triand trior trireg unsigned use uwire vectored wait wand weak0 weak1 while wire wor
xnor xor`;

const SYSTEMVERILOG = `accept_on alias always_comb always_ff always_latch assert assume before bind bins binsof bit
break byte chandle checker class clocking const constraint context continue cover covergroup coverpoint cross dist do
endchecker endclass endclocking endgroup endinterface endpackage endprogram endproperty endsequence enum eventually
expect export extends extern final first_match foreach forkjoin global iff ignore_bins illegal_bins implements implies
import inside int interconnect interface intersect join_any join_none let local logic longint matches modport new
nexttime null package packed priority program property protected pure rand randc randcase randsequence ref reject_on
restrict return s_always s_eventually s_nexttime s_until s_until_with sequence shortint shortreal soft solve static
string strong struct super sync_accept_on sync_reject_on tagged this throughout timeprecision timeunit type typedef
union unique unique0 until until_with untyped var virtual void wait_order weak wildcard with within`;

const CPP = `alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t char32_t
class compl concept const consteval constexpr constinit const_cast continue co_await co_return co_yield decltype
default delete do double dynamic_cast else enum explicit export extern false float for friend goto if inline int long
mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected public register
reinterpret_cast requires return short signed sizeof static static_assert static_cast struct switch template this
thread_local throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t while xor
xor_eq NULL main stdin stdout stderr`;

export const RESERVED_WORDS: ReadonlySet<string> = new Set(`${VERILOG_2005} ${SYSTEMVERILOG} ${CPP}`.split(/\s+/).filter(Boolean));

const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** A legal, non-reserved Verilog identifier made from `name` (not yet unique). */
export function legalIdent(name: string): string {
  let n = IDENT_RE.test(name) ? name : name.replace(/[^A-Za-z0-9_$]/g, "_").replace(/^(?=[0-9$])/, "_");
  if (n === "") n = "_";
  // Verilator maps names to C++ and reserves a leading double underscore for itself.
  if (n.startsWith("__")) n = "u" + n;
  return RESERVED_WORDS.has(n) ? n + "_" : n;
}

/**
 * One Verilog name space (a module body, or the set of module names). Names are handed out in
 * the order asked; the first asker of a name keeps it, later ones get `_1`, `_2`, ...
 */
export class Namer {
  private readonly used = new Set<string>();

  /** Take `name` (made legal) or the first free variant of it. */
  take(name: string): string {
    const base = legalIdent(name);
    if (!this.used.has(base)) {
      this.used.add(base);
      return base;
    }
    for (let i = 1; ; i++) {
      const n = `${base}_${i}`;
      if (!this.used.has(n)) {
        this.used.add(n);
        return n;
      }
    }
  }

  has(name: string): boolean {
    return this.used.has(name);
  }
}
