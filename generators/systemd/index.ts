import { railsAwsGenerator } from "../generator.js";

export default railsAwsGenerator(["systemd"], { interactive: false });
