// The capistrano part's files: Capfile, config/deploy.rb, config/deploy/<env>.rb, the tasks and
// helpers under lib/capistrano/, and docs/DEPLOY.md.
import { always, type FileTable } from "../part.js";

export const files: FileTable = {
  Capfile: always,
  "config/deploy.rb": always,
  "config/deploy/[env].rb": always,
  "docs/DEPLOY.md": always,
  "lib/capistrano/aws_hosts.rb": always,
  "lib/capistrano/local_commands.rb": always,
  "lib/capistrano/scm/git_archive.rb": always,
  "lib/capistrano/ssh-proxy.sh": always,
  "lib/capistrano/tasks/bastion.rake": { when: (context) => context.bastion },
  "lib/capistrano/tasks/env_file.rake": always,
  "lib/capistrano/tasks/release.rake": always,
  "lib/capistrano/tasks/rollout.rake": always,
};
