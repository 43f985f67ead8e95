import { COMMANDS } from "./cli";
import { main } from "./main";

main(COMMANDS);
