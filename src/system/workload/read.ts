/**
 * A transformer from a preset name or a JSON file, checked field by field: a bad or unknown field
 * is named with what was found and what it must be.
 */
import { existsSync } from "node:fs";
import { parseJsonFile, readTextFile } from "../../io/input-file.js";
import { UserError } from "../../io/user-error.js";
import { PRECISIONS } from "../platform/types.js";
import { MODEL_PRESETS, type TransformerSpec } from "./model.js";

const FIELDS = ["name", "hidden", "heads", "kvHeads", "headDim", "ffn", "layers", "precision", "moe"];
const MOE_FIELDS = ["experts", "topK", "expertFfn", "sharedExperts", "denseLayers"];

function fail(source: string, field: string, msg: string): never {
  throw new UserError(msg, { file: source, field });
}

export function parseTransformer(v: unknown, source = "model"): TransformerSpec {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(source, "(top)", "a model is a JSON object with " + FIELDS.join(", "));
  const o = v as Record<string, unknown>;
  const unknownField = (obj: Record<string, unknown>, allowed: string[], at: string) => {
    for (const k of Object.keys(obj)) if (!allowed.includes(k)) fail(source, at + k, `unknown field; allowed: ${allowed.join(", ")}`);
  };
  unknownField(o, FIELDS, "");
  const whole = (obj: Record<string, unknown>, k: string, at: string, min = 1): number => {
    const x = obj[k];
    if (typeof x !== "number" || !Number.isInteger(x) || x < min) fail(source, at + k, `must be a whole number >= ${min}, got ${JSON.stringify(x)}`);
    return x;
  };
  if (typeof o.name !== "string" || o.name === "") fail(source, "name", `must be a non-empty string, got ${JSON.stringify(o.name)}`);
  const precision = o.precision ?? "fp16";
  if (!(PRECISIONS as readonly unknown[]).includes(precision)) fail(source, "precision", `must be one of ${PRECISIONS.join(", ")}, got ${JSON.stringify(precision)}`);
  const spec: TransformerSpec = {
    name: o.name, hidden: whole(o, "hidden", ""), heads: whole(o, "heads", ""), kvHeads: whole(o, "kvHeads", ""),
    headDim: whole(o, "headDim", ""), ffn: whole(o, "ffn", ""), layers: whole(o, "layers", ""), precision: precision as TransformerSpec["precision"],
  };
  if (o.moe === undefined) return spec;
  if (typeof o.moe !== "object" || o.moe === null) fail(source, "moe", `must be an object with ${MOE_FIELDS.join(", ")}`);
  const m = o.moe as Record<string, unknown>;
  unknownField(m, MOE_FIELDS, "moe.");
  const moe = {
    experts: whole(m, "experts", "moe."), topK: whole(m, "topK", "moe."), expertFfn: whole(m, "expertFfn", "moe."),
    sharedExperts: whole(m, "sharedExperts", "moe.", 0), denseLayers: whole(m, "denseLayers", "moe.", 0),
  };
  if (moe.topK > moe.experts) fail(source, "moe.topK", `${moe.topK} is more than the ${moe.experts} experts`);
  return { ...spec, moe };
}

/** A preset name, or a JSON file of one model. */
export function loadTransformer(nameOrFile: string): TransformerSpec {
  if (Object.hasOwn(MODEL_PRESETS, nameOrFile)) return MODEL_PRESETS[nameOrFile];
  // A missing file is most often a mistyped preset name, so the message lists the presets too.
  if (!existsSync(nameOrFile)) {
    throw new UserError(`no such file, and no model preset of that name; give a model JSON file or one of the presets ${Object.keys(MODEL_PRESETS).join(", ")}`, { file: nameOrFile });
  }
  return parseTransformer(parseJsonFile(readTextFile(nameOrFile, "model"), nameOrFile, "model"), nameOrFile);
}
