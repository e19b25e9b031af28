/**
 * SPEQ's decoder (papers.md section 2): the small language model of src/golden/speq.ts running on
 * the reconfigurable PE array (engine.ts), and the speculation controller that makes it lossless.
 *
 * The array holds the model's weight tensors once, as SPEQ words: layers 0..L-1 (hidden x hidden)
 * then the LM head (vocab x hidden). The embedding table is a lookup at full precision
 * (`embed`, vocab x hidden binary16, as the golden model). Around the array:
 *   - seq: the token sequence (the prompt written through tok_*; proposals and accepted tokens);
 *   - the KV cache: prefix sums S[p] = binary32 sum of the embeddings of tokens 0..p-1, summed
 *     left to right (a position's context is f16(S[p]) / 8). Rolling back a rejected token is
 *     moving the committed length back: its entries are rewritten before they are read again;
 *   - per lane (position) j: h_j (hidden binary16, banked by element mod lanes so a draft pass
 *     reads `lanes` consecutive elements a cycle) and the vector datapath (decoder-lane.ts);
 *   - targets: the verify pass's argmax per position.
 *
 * One forward pass over n positions (lanes 0..n-1; pbase = the first position):
 *   TOK (read the n input tokens) -> EMB (h_j = embed + context, one element a cycle, and
 *   S[pbase+n] written from lane n-1) -> per layer: GO/WAIT (GEMV on the array; verify mode: every
 *   lane a position, draft mode: lanes columns of position 0) -> RES (h_j += relu(z_j)) -> head:
 *   GO/WAIT -> ARG (argmax over the vocab, one row a cycle) -> POST.
 * The controller (STEP decides what runs next):
 *   prefill:  S[1..P-1] for the prompt (EMB only, one position at a time);
 *   gamma = 0: the baseline, every token one verify-mode forward on one position (the full model);
 *   gamma > 0: DRAFT gamma forwards in draft mode (each proposal written to seq), VERIFY the
 *     gamma + 1 positions in ceil((gamma + 1) / lanes) verify-mode forwards (one weight fetch per
 *     `lanes` positions), ACCEPT: the longest prefix of proposals equal to the targets (a), then
 *     the target's token at a; emit min(a + 1, tokens left); rolled back: gamma - a.
 * Cycle counts are exact and stated by speqDecodeCycles (src/golden/speq-decode-timing.ts).
 *
 * Ports:
 *   start u1; gamma, tokens, prompt_len (sampled with start; the caller keeps
 *     prompt_len >= 1, gamma <= maxGamma and prompt_len + tokens + gamma <= maxLen);
 *   tok_we u1, tok_addr, tok_data: write seq[tok_addr] while idle (the prompt);
 *   rd_addr -> rd_tok: read seq (comb; the output is seq[prompt_len ..]);
 *   busy, done (one cycle), passes, drafted, accepted, rolled_back (u16), emitted, weight_bytes u48.
 * Weights: pe<q>.draft / pe<q>.rest (each PE's slice of every tensor, engine.ts), embed.
 */
import { Expr, Module, Signal, constant, mux, u } from "../../hdl/index.js";
import { bitsFor } from "../../hdl/shape.js";
import { DEFAULT_SPEQ, type SpeqConfig } from "../../golden/speq.js";
import { buildSpeqEngine, checkSpeqEngineParams, type SpeqEngineParams } from "./engine.js";
import { makeSpeqDecoderLane } from "./decoder-lane.js";
import { makeF16ToF32 } from "./fp-convert.js";
import { makeFp32Add } from "./fp32-add.js";
import { requireWhole } from "../param-check.js";

export interface SpeqDecoderParams {
  readonly hidden: number;
  readonly layers: number;
  readonly vocab: number;
  readonly pes: number;
  readonly lanes: number;
  /** Sequence capacity (prompt + tokens + gamma). */
  readonly maxLen: number;
  readonly maxGamma: number;
  /** Per-tensor scales: layers 0..L-1, then the head (golden encode(...).top of each). */
  readonly tops: readonly number[];
  readonly config: SpeqConfig;
}

export const DEFAULT_SPEQ_DECODER: Omit<SpeqDecoderParams, "tops"> = {
  hidden: 64, layers: 4, vocab: 64, pes: 4, lanes: 4, maxLen: 64, maxGamma: 8, config: DEFAULT_SPEQ,
};

export function speqDecoderEngineParams(p: SpeqDecoderParams): SpeqEngineParams {
  const segments = [...Array.from({ length: p.layers }, (_, l) => ({ rows: p.hidden, top: p.tops[l] })), { rows: p.vocab, top: p.tops[p.layers] }];
  return { segments, cols: p.hidden, pes: p.pes, lanes: p.lanes, config: p.config };
}

export function checkSpeqDecoderParams(p: SpeqDecoderParams): void {
  const unit = "speq decoder";
  requireWhole(unit, "hidden", p.hidden, 2, 1024);
  requireWhole(unit, "layers", p.layers, 1, 16);
  requireWhole(unit, "vocab", p.vocab, 2, 4096);
  requireWhole(unit, "maxLen", p.maxLen, 2, 4096);
  requireWhole(unit, "maxGamma", p.maxGamma, 1, 64);
  if (p.tops.length !== p.layers + 1) throw new Error(`${unit}: ${p.tops.length} tensor scales for ${p.layers} layers + head; give layers + 1`);
  checkSpeqEngineParams(speqDecoderEngineParams(p), unit);
}

export function makeSpeqDecoder(p: SpeqDecoderParams): Module {
  checkSpeqDecoderParams(p);
  const { hidden: H, layers: NL, vocab: V, lanes, maxLen, maxGamma, pes } = p;
  const lb = Math.log2(lanes);
  const m = new Module("speq_decoder");
  // Widths that hold the largest value (bitsFor(n) addresses n entries, so a count n needs bitsFor(n + 1)).
  const posW = bitsFor(maxLen + 1), tokW = bitsFor(V), gW = bitsFor(maxGamma + 1);
  const set = (s: Signal, e: Expr | number) => m.sync.set(s, typeof e === "number" ? constant(e, u(s.width)) : e.resize(s.width));

  const start = m.input("start", u(1)), gammaIn = m.input("gamma", u(gW));
  const tokensIn = m.input("tokens", u(posW)), promptIn = m.input("prompt_len", u(posW));
  const tokWe = m.input("tok_we", u(1)), tokAddr = m.input("tok_addr", u(bitsFor(maxLen))), tokData = m.input("tok_data", u(tokW));
  const rdAddr = m.input("rd_addr", u(bitsFor(maxLen))), rdTok = m.output("rd_tok", u(tokW));
  const busyO = m.output("busy", u(1)), doneO = m.output("done", u(1));
  const passesO = m.output("passes", u(16)), draftedO = m.output("drafted", u(16)), acceptedO = m.output("accepted", u(16));
  const rolledO = m.output("rolled_back", u(16)), emittedO = m.output("emitted", u(posW)), bytesO = m.output("weight_bytes", u(48));

  const f = m.fsm("ctrl", { states: ["IDLE", "STEP", "TOK", "EMB", "GO", "WAIT", "RES", "ARG", "POST", "ACC_RD", "ACC_CMP", "ACC_WR", "FINISH"] as const });
  // Run state.
  const gamma = m.signal("gamma_r", u(gW)), nTok = m.signal("tokens_r", u(posW));
  const L = m.signal("committed", u(posW)), out = m.signal("out", u(posW)), pre = m.signal("prefill_p", u(posW));
  const prefilling = m.signal("prefilling", u(1));
  const di = m.signal("draft_i", u(gW)), grp = m.signal("group", u(gW)), acc = m.signal("accept_a", u(gW));
  const kind = m.signal("kind", u(2)); // 0 prefill, 1 baseline, 2 draft, 3 verify
  kind.decoder = ["PREFILL", "BASE", "DRAFT", "VERIFY"];
  const pbase = m.signal("pbase", u(posW)), nPos = m.signal("npos", u(bitsFor(lanes + 1)));
  const layer = m.signal("layer", u(bitsFor(NL + 1)));
  const passes = m.signal("passes_r", u(16)), drafted = m.signal("drafted_r", u(16)), accepted = m.signal("accepted_r", u(16));
  const rolled = m.signal("rolled_r", u(16)), bytes = m.signal("bytes_total", u(48));
  const K = (v: number, w: number) => constant(v, u(w));

  // The array.
  const isHead = layer.eq(NL);
  const draftMode = kind.eq(2);
  const e = buildSpeqEngine(m, speqDecoderEngineParams(p), f.is("GO"), draftMode, layer);

  // Element loop (EMB, RES, ARG): d counts issued elements; rows of the array's y are walked PE by
  // PE (rq, rl) so row r = rq * rows/pes + rl = d.
  const d = m.signal("d", u(bitsFor(Math.max(H, V) + 1))), rq = m.signal("rq", u(bitsFor(pes + 1))), rl = m.signal("rl", u(e.yRow.width));
  const rpp = mux(isHead, K(V / pes, rl.width + 1), K(H / pes, rl.width + 1));
  const rows = mux(isHead, K(V, d.width + 1), K(H, d.width + 1));
  const walking = f.is("EMB").or(f.is("RES")).or(f.is("ARG"));
  const issue = walking.and(d.lt(mux(f.is("EMB"), K(H, d.width + 1), rows)));
  const v1 = m.signal("ev1", u(1)), d1 = m.signal("d1", u(d.width)), emb1 = m.signal("emb1", u(1)), arg1 = m.signal("arg1", u(1));
  set(v1, issue);
  set(d1, d);
  set(emb1, f.is("EMB"));
  set(arg1, f.is("ARG"));
  m.if(issue, () => {
    set(d, d.add(1));
    m.if(rl.add(1).eq(rpp), () => {
      set(rl, 0);
      set(rq, rq.add(1));
    }).else(() => set(rl, rl.add(1)));
  });
  m.comb.set(e.yRow, rl);

  // Sequence memory: the prompt from outside while idle; proposals and accepted tokens from POST / ACC_WR.
  const seq = m.memory({ name: "seq", shape: u(tokW), depth: maxLen });
  const seqW = seq.writePort();
  const idx: Signal[] = Array.from({ length: lanes }, (_, j) => m.signal(`argmax${j}`, u(tokW)));
  const tHold = m.signal("t_hold", u(tokW));
  const postSeq = f.is("POST").and(kind.eq(1).or(kind.eq(2)));
  m.comb.set(seqW.en, f.is("IDLE").and(tokWe).or(postSeq).or(f.is("ACC_WR")));
  m.comb.set(seqW.addr, mux(f.is("IDLE"), tokAddr.resize(seq.addrWidth), mux(f.is("ACC_WR"), L.add(acc), mux(kind.eq(2), L.add(di), L)).resize(seq.addrWidth)));
  m.comb.set(seqW.data, mux(f.is("IDLE"), tokData, mux(f.is("ACC_WR"), tHold, idx[0])));
  const rdPort = seq.readPort();
  m.comb.set(rdPort.addr, rdAddr.resize(seq.addrWidth));
  m.comb.set(rdTok, rdPort.data);

  // Embeddings and the KV cache (prefix sums).
  const embed = m.memory({ name: "embed", shape: u(16), depth: V * H });
  const kv = m.memory({ name: "kv", shape: u(32), depth: maxLen * H });
  const kvW = kv.writePort();
  const eData: Expr[] = [], sData: Expr[] = [];
  for (let j = 0; j < lanes; j++) {
    const tp = seq.readPort({ domain: "sync" });
    m.comb.set(tp.en, f.is("TOK"));
    m.comb.set(tp.addr, pbase.add(j).resize(seq.addrWidth));
    const er = embed.readPort({ domain: "sync" });
    m.comb.set(er.addr, tp.data.mul(H).add(d).resize(embed.addrWidth));
    eData.push(er.data);
    const sr = kv.readPort({ domain: "sync" });
    m.comb.set(sr.addr, pbase.add(j).mul(H).add(d).resize(kv.addrWidth));
    sData.push(sr.data);
  }
  // S[pbase + n] = S[pbase + n - 1] + embedding of that position's token (lane n - 1).
  let sLast: Expr = sData[0], eLast: Expr = eData[0];
  for (let j = 1; j < lanes; j++) {
    sLast = mux(nPos.eq(j + 1), sData[j], sLast);
    eLast = mux(nPos.eq(j + 1), eData[j], eLast);
  }
  const widen = makeF16ToF32();
  m.submodule("kv_widen", widen);
  m.comb.set(widen.port("a"), eLast);
  const kvAdd = makeFp32Add();
  m.submodule("kv_add", kvAdd);
  m.comb.set(kvAdd.port("a"), sLast);
  m.comb.set(kvAdd.port("b"), widen.port("y"));
  m.comb.set(kvW.en, v1.and(emb1));
  m.comb.set(kvW.addr, pbase.add(nPos).mul(H).add(d1).resize(kv.addrWidth));
  m.comb.set(kvW.data, kvAdd.port("y"));

  // Per lane: h banks, the vector datapath, argmax state.
  const xMode1 = m.signal("x_mode1", u(1));
  set(xMode1, e.mode);
  const pick = (vals: Expr[], sel: Expr): Expr => vals.slice(1).reduce<Expr>((v, x, b) => mux(sel.eq(b + 1), x, v), vals[0]);
  const best: Signal[] = [];
  const xBanks0: Expr[] = [];
  for (let j = 0; j < lanes; j++) {
    const lane = makeSpeqDecoderLane();
    m.submodule(`lane${j}`, lane);
    const xOut: Expr[] = [], hOut: Expr[] = [];
    for (let b = 0; b < lanes; b++) {
      const bank = m.memory({ name: `h${j}_b${b}`, shape: u(16), depth: H / lanes });
      const w = bank.writePort();
      m.comb.set(w.en, v1.and(arg1.not()).and(lb > 0 ? d1.slice(lb - 1, 0).eq(b) : K(1, 1)));
      m.comb.set(w.addr, d1.shr(lb).resize(bank.addrWidth));
      m.comb.set(w.data, lane.port("h"));
      const xr = bank.readPort({ domain: "sync" });
      m.comb.set(xr.addr, e.xAddr.resize(bank.addrWidth));
      xOut.push(xr.data);
      const hr = bank.readPort({ domain: "sync" });
      m.comb.set(hr.addr, d.shr(lb).resize(bank.addrWidth));
      hOut.push(hr.data);
    }
    if (j === 0) xBanks0.push(...xOut);
    // Draft: lane j takes element c + j of position 0; verify: element c of position j.
    m.comb.set(e.x[j], mux(xMode1, xBanks0[j], pick(xOut, e.nib1)));
    // y of this lane's position at row d, registered to meet the h read.
    const z1 = m.signal(`z${j}`, u(32));
    set(z1, pick(e.yData.map((ys) => ys[j]), rq));
    const bj = m.signal(`best${j}`, u(32));
    best.push(bj);
    m.comb.set(lane.port("emb"), emb1);
    m.comb.set(lane.port("e"), eData[j]);
    m.comb.set(lane.port("s"), sData[j]);
    m.comb.set(lane.port("h_old"), pick(hOut, d1.resize(Math.max(lb, 1))));
    m.comb.set(lane.port("z"), z1);
    m.comb.set(lane.port("best"), bj);
    m.if(f.is("GO"), () => set(bj, 0xff800000)); // -Infinity: golden argmaxF32's start
    m.if(v1.and(arg1).and(lane.port("gt")), () => {
      set(bj, z1);
      set(idx[j], d1);
    });
  }
  // Targets of the verify pass: T_j[group] = argmax of lane j.
  const tData: Expr[] = [];
  const nGroups = Math.ceil((maxGamma + 1) / lanes);
  for (let j = 0; j < lanes; j++) {
    const t = m.memory({ name: `target${j}`, shape: u(tokW), depth: nGroups });
    const tw = t.writePort();
    m.comb.set(tw.en, f.is("POST").and(kind.eq(3)));
    m.comb.set(tw.addr, grp.resize(t.addrWidth));
    m.comb.set(tw.data, idx[j]);
    const tr = t.readPort({ domain: "sync" });
    m.comb.set(tr.en, f.is("ACC_RD"));
    m.comb.set(tr.addr, acc.shr(lb).resize(t.addrWidth));
    tData.push(tr.data);
  }
  const accSeq = seq.readPort({ domain: "sync" });
  m.comb.set(accSeq.en, f.is("ACC_RD"));
  m.comb.set(accSeq.addr, L.add(acc).resize(seq.addrWidth));
  const accLane = m.signal("acc_lane", u(Math.max(lb, 1)));
  const target = pick(tData, accLane);

  // The controller.
  const startPos = (v: Expr, n: number | Expr, k: number) => {
    set(pbase, v);
    set(nPos, typeof n === "number" ? K(n, nPos.width) : n);
    set(kind, k);
    f.next("TOK");
  };
  const groupBase = grp.shl(lb);
  const left = gamma.add(1).sub(groupBase); // positions left for this and later groups
  m.comb.set(busyO, f.is("IDLE").not());
  m.comb.set(doneO, f.is("FINISH"));
  f.state("IDLE", () =>
    m.if(start, () => {
      set(gamma, gammaIn);
      set(nTok, tokensIn);
      set(L, promptIn);
      set(out, 0);
      set(pre, 0);
      set(prefilling, 1);
      set(di, 0);
      set(grp, 0);
      set(acc, 0);
      for (const c of [passes, drafted, accepted, rolled, bytes]) set(c, 0);
      f.next("STEP");
    }),
  );
  f.state("STEP", () => {
    // Prefill runs once, at the start: later tokens' entries are written by their own forward.
    m.if(prefilling.and(pre.add(1).lt(L)), () => startPos(pre, 1, 0))
      .elif(prefilling, () => set(prefilling, 0))
      .elif(out.ge(nTok), () => f.next("FINISH"))
      .elif(gamma.eq(0), () => startPos(L.sub(1), 1, 1))
      .elif(di.lt(gamma), () => startPos(L.sub(1).add(di), 1, 2))
      .elif(groupBase.le(gamma), () => startPos(L.sub(1).add(groupBase), mux(left.gt(lanes), K(lanes, nPos.width), left.resize(nPos.width)), 3))
      .else(() => f.next("ACC_RD"));
  });
  f.state("TOK", () => {
    set(d, 0);
    set(rq, 0);
    set(rl, 0);
    set(layer, 0);
    f.next("EMB");
  });
  f.state("EMB", () =>
    m.if(d.eq(H), () => {
      m.if(kind.eq(0), () => {
        set(pre, pre.add(1));
        f.next("STEP");
      }).else(() => f.next("GO"));
    }),
  );
  f.state("GO", () => f.next("WAIT"));
  f.state("WAIT", () =>
    m.if(e.done, () => {
      set(bytes, bytes.add(e.bytes));
      set(d, 0);
      set(rq, 0);
      set(rl, 0);
      m.if(isHead, () => f.next("ARG")).else(() => f.next("RES"));
    }),
  );
  f.state("RES", () =>
    m.if(d.eq(H), () => {
      set(layer, layer.add(1));
      f.next("GO");
    }),
  );
  f.state("ARG", () => m.if(d.eq(V), () => f.next("POST")));
  f.state("POST", () => {
    m.switch(kind)
      .case(1, () => {
        set(L, L.add(1));
        set(out, out.add(1));
      })
      .case(2, () => {
        set(di, di.add(1));
        set(drafted, drafted.add(1));
      })
      .case(3, () => set(grp, grp.add(1)));
    f.next("STEP");
  });
  f.state("ACC_RD", () => {
    set(accLane, lb > 0 ? acc.resize(lb) : 0);
    f.next("ACC_CMP");
  });
  f.state("ACC_CMP", () => {
    set(tHold, target);
    m.if(acc.lt(gamma).and(accSeq.data.eq(target)), () => {
      set(acc, acc.add(1));
      f.next("ACC_RD");
    }).else(() => f.next("ACC_WR"));
  });
  f.state("ACC_WR", () => {
    const remain = nTok.sub(out);
    const full = acc.add(1);
    const emit = mux(remain.lt(full), remain, full).resize(posW);
    set(L, L.add(emit));
    set(out, out.add(emit));
    set(accepted, accepted.add(mux(emit.lt(acc), emit, acc.resize(posW))));
    set(rolled, rolled.add(gamma.sub(acc)));
    set(passes, passes.add(1));
    set(di, 0);
    set(grp, 0);
    set(acc, 0);
    f.next("STEP");
  });
  f.state("FINISH", () => f.next("IDLE"));

  m.comb.set(passesO, passes);
  m.comb.set(draftedO, drafted);
  m.comb.set(acceptedO, accepted);
  m.comb.set(rolledO, rolled);
  m.comb.set(emittedO, out);
  m.comb.set(bytesO, bytes);
  return m;
}
