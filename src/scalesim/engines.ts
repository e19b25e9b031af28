/** How `tessera scalesim` runs each layer: the cycle model, or also the RTL array (a module of its own: the command line lists these at start-up). */
export const SCALESIM_ENGINES = ["model", "rtl"] as const;
export type ScaleSimEngine = (typeof SCALESIM_ENGINES)[number];
