/**
 * A platform by name or file, as a command-line argument gives it: a preset name returns the
 * preset; anything else is read as a JSON file and checked, with the file named in every message.
 * Faults are UserErrors (PlatformError, or the house file-reading errors for a folder, an empty
 * or binary file, and JSON syntax with its line), so the CLI prints them as one line.
 */
import { existsSync } from "node:fs";
import { parseJsonFile, readTextFile } from "../../io/input-file.js";
import { PLATFORM_PRESETS, PLATFORM_PRESET_NAMES } from "./presets.js";
import { PlatformError, parsePlatform } from "./validate.js";
import type { Platform } from "./types.js";

export function loadPlatform(pathOrPreset: string): Platform {
  if (Object.hasOwn(PLATFORM_PRESETS, pathOrPreset)) return PLATFORM_PRESETS[pathOrPreset];
  // A missing file is most often a mistyped preset name, so the message lists the presets too.
  if (!existsSync(pathOrPreset)) {
    throw new PlatformError(`no such file, and no platform preset of that name; give a platform JSON file or one of the presets ${PLATFORM_PRESET_NAMES.join(", ")}`, { file: pathOrPreset });
  }
  const text = readTextFile(pathOrPreset, "platform");
  return parsePlatform(parseJsonFile(text, pathOrPreset, "platform"), pathOrPreset);
}
