/** Processing elements: the MAC and the PE variants the systolic arrays are made of. */
export * from "./mac.js";
export * from "./pe-os.js";
export * from "./pe-stationary.js";
