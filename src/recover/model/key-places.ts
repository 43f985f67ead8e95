import { join } from "node:path";
import type { KeyPlace } from "../../identity/model/key-inventory";

/**
 * What recover does about a place of a home's inventory: `~/.aws` and `~/.boto` it moves aside; a file a
 * variable names, or a machine-wide one, it only names with the command that stops botocore reading it.
 */
export function recoverReach(
  place: Pick<KeyPlace, "path" | "namedBy">,
  home: string,
): "aws-dir" | "boto" | "manual" {
  if (place.path.startsWith(`${join(home, ".aws")}/`)) return "aws-dir";
  return place.path === join(home, ".boto") && !place.namedBy ? "boto" : "manual";
}

/** The places recover moves aside with the home: its `~/.aws` files' and its `~/.boto`'s. */
export function placesInHome(places: readonly KeyPlace[], home: string): KeyPlace[] {
  return places.filter((place) => recoverReach(place, home) !== "manual");
}
