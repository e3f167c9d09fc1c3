// The cloudformation part's files: one template per stack, shared by every environment, the
// parameters of each environment, and bin/infra, which deploys them in order.
import { always, type FileTable } from "../part.js";

export const files: FileTable = {
  "bin/infra": always,
  "infra/README.md": always,
  "infra/cloudformation/account.yml": always,
  "infra/cloudformation/app.yml": always,
  // The vault of the database's backup copies, in another region: only where one is answered.
  "infra/cloudformation/backup-vault.yml": {
    when: (context) => context.anyBackupCopy,
  },
  "infra/cloudformation/data.yml": always,
  "infra/cloudformation/deploy.yml": always,
  // The CDN certificate's stack: only where an environment has CloudFront.
  "infra/cloudformation/edge.yml": { when: (context) => context.anyCdn },
  "infra/cloudformation/monitoring.yml": always,
  "infra/cloudformation/network.yml": always,
  "infra/parameters/[env]/app.json": always,
  "infra/parameters/[env]/backup-vault.json": {
    when: (_, env) => env!.backupCopyRegion !== "",
  },
  "infra/parameters/[env]/data.json": always,
  "infra/parameters/[env]/deploy.json": always,
  "infra/parameters/[env]/edge.json": { when: (_, env) => env!.cdn },
  "infra/parameters/[env]/monitoring.json": always,
  "infra/parameters/[env]/network.json": always,
};
