/**
 * What a mesh's waveforms open on (noc, wsc-moe): one router near the centre, whose input VC
 * states (routing and VC allocation pending, active, non-empty, heads) and output VC states
 * (credits per VC, busy) show congestion as it builds; one of its links, both ends, with the
 * credits coming back; and the traffic entering and leaving its node.
 */
import { meshNames } from "../../hw/noc/mesh.js";
import type { NocParams } from "../../hw/noc/params.js";
import type { WaveView } from "../../sim/waves/gtkw.js";

export function meshView(p: Pick<NocParams, "w" | "h" | "priorityClasses">): WaveView {
  const x = Math.min(1, p.w - 1), y = Math.min(1, p.h - 1);
  const r = meshNames.router(x, y), ni = meshNames.ni(x, y), id = y * p.w + x;
  // The link to the east neighbour, else the south one, else (a 1x1 mesh) the one to the NI.
  const link =
    x + 1 < p.w ? { out: "e", into: "w", peer: meshNames.router(x + 1, y) }
    : y + 1 < p.h ? { out: "s", into: "n", peer: meshNames.router(x, y + 1) }
    : { out: "l", into: undefined, peer: ni };
  const lo = p.priorityClasses === 2 ? [meshNames.injLoValid(id), meshNames.injLoPkt(id), meshNames.injLoReady(id)] : [];
  return {
    groups: [
      { name: `node ${id} (${x},${y}): injection and ejection`, signals: [meshNames.injValid(id), meshNames.injPkt(id), meshNames.injReady(id), ...lo, meshNames.ej(id), `${ni}.q_count`, `${ni}.cur_vc`, `${ni}.vc_state`, `${ni}.fire`] },
      { name: `${r} input VCs (bit per port x VC)`, signals: ["rc_pending", "va_pending", "active", "non_empty", "heads", "sa_eligible"].map((s) => `${r}.${s}`) },
      { name: `${r} output VCs: credits per VC, busy`, signals: [`${r}.ovc_*`] },
      {
        name: `link ${r} -${link.out}-> ${link.peer}`,
        signals: [`${r}.out_${link.out}`, `${r}.cr_in_${link.out}`, `${r}.flits_${link.out}`, ...(link.into ? [`${link.peer}.in_${link.into}`, `${link.peer}.cr_out_${link.into}`] : [`${ni}.from_router`, `${ni}.cr_to_router`])],
      },
      { name: `${r} switch allocation`, signals: [`${r}.sa_in_winners`, `${r}.sa_won`, `${r}.sa_out_*_grant`], closed: true },
      { name: "ejections by row", signals: ["ej_valid_row_*"], closed: true },
    ],
  };
}
