// The answer matrix: answer sets that change what is generated, as command-line flags.

/** Answer sets that change what is generated: each must check clean. */
export const answerSets: Record<string, string[]> = {
  defaults: [],
  "staging only": ["--environments", "staging"],
  "production only": ["--environments", "production"],
  redis: ["--cable-adapter", "redis"],
  "other regions and sizes": [
    ...["--production-region", "eu-central-1", "--staging-region", "eu-west-1"],
    ...["--production-instance-type", "m7g.large"],
    // Three Puma workers beside Solid Queue need more than staging's default 2 GiB.
    ...["--staging-instance-type", "t4g.medium"],
    ...["--production-asg-min", "3", "--production-asg-max", "6"],
    ...["--production-db-class", "db.r7g.large", "--puma-workers", "3"],
    ...["--app-name", "collab-board"],
  ],
  "backup copy to another region": [
    ...["--production-backup-copy-region", "us-west-2"],
    ...["--staging-backup-copy-region", "eu-west-1"],
  ],
  "fixed size (min = max)": [
    ...["--production-asg-min", "3", "--production-asg-max", "3"],
  ],
  "NAT per AZ, bastion, read replicas, on-demand": [
    ...["--nat-gateways", "per-az", "--shell-access", "bastion"],
    ...["--production-read-replica", "--staging-read-replica"],
    ...[
      "--production-capacity",
      "on-demand",
      "--staging-capacity",
      "on-demand",
    ],
    // And no scheduled replacement of the instances: the workflow without its schedule.
    ...["--instance-replacement", "off"],
  ],
};
