// A valid and an invalid value of every setting, and what the error must say is allowed.
import type { SettingName } from "../../core/settings.js";

export interface SettingExample {
  valid: unknown;
  invalid: unknown;
  /** A part of the "allowed" text the error must contain. */
  allowed: string;
  /** Other answers the example needs. */
  with?: Record<string, unknown>;
}

export const settingExamples: Record<SettingName, SettingExample> = {
  appName: {
    valid: "board-app",
    invalid: "Board App",
    allowed: "lowercase letters",
  },
  domain: {
    valid: "example.org",
    invalid: "not a domain",
    allowed: "DNS name",
  },
  githubRepository: {
    valid: "acme/board",
    invalid: "acme",
    allowed: "owner/name",
  },
  githubOwnerId: {
    valid: "1234567",
    invalid: "acme",
    allowed: "numeric ID",
    with: { githubRepository: "acme/board", githubRepositoryId: "7654321" },
  },
  githubRepositoryId: {
    valid: "7654321",
    invalid: "0123",
    allowed: "numeric ID",
    with: { githubRepository: "acme/board", githubOwnerId: "1234567" },
  },
  githubOidcSubject: {
    valid: "legacy",
    invalid: "old",
    allowed: "one of immutable, legacy",
  },
  alertEmail: {
    valid: "ops@example.com",
    invalid: "ops",
    allowed: "email address",
  },
  environments: {
    valid: "staging",
    invalid: "prod",
    allowed: "one or more of production, staging",
  },
  productionRegion: {
    valid: "eu-west-1",
    invalid: "mars-1",
    allowed: "data/aws-regions.json",
  },
  stagingRegion: {
    valid: "eu-west-2",
    invalid: "moon-2",
    allowed: "data/aws-regions.json",
  },
  productionAccountId: {
    valid: "111111111111",
    invalid: "1111-1111-1111",
    allowed: "12-digit AWS account ID",
  },
  stagingAccountId: {
    valid: "222222222222",
    invalid: "22222222222",
    allowed: "12-digit AWS account ID",
  },
  productionInstanceType: {
    valid: "m7i.large",
    invalid: "t3.mega",
    allowed: "data/ec2-instance-types.json",
  },
  stagingInstanceType: {
    valid: "t4g.small",
    invalid: "t2.nano",
    allowed: "data/ec2-instance-types.json",
  },
  productionAsgMin: {
    valid: "3",
    invalid: "two",
    allowed: "a whole number from 1 to 100",
  },
  stagingAsgMin: {
    valid: "1",
    invalid: "0",
    allowed: "a whole number from 1 to 100",
  },
  productionAsgMax: {
    valid: "11",
    invalid: "1",
    allowed: "a whole number from 2 (--production-asg-min) to ",
  },
  stagingAsgMax: {
    valid: "3",
    invalid: "1",
    allowed: "a whole number from 2 (--staging-asg-min) to ",
    with: { stagingAsgMin: 2, stagingDbClass: "db.t4g.small" },
  },
  productionCapacity: {
    valid: "on-demand",
    invalid: "reserved",
    allowed: "one of on-demand, spot-burst, spot",
  },
  stagingCapacity: {
    valid: "spot-burst",
    invalid: "free",
    allowed: "one of on-demand, spot-burst, spot",
  },
  cpuTarget: {
    valid: "50",
    invalid: "95",
    allowed: "a whole number from 10 to 90",
  },
  pumaWorkers: {
    valid: "1",
    invalid: "0",
    allowed: "a whole number from 1 to 32",
  },
  pumaThreads: {
    valid: "2",
    invalid: "33",
    allowed: "a whole number from 1 to 32",
  },
  jobThreads: {
    valid: "2",
    invalid: "lots",
    allowed: "a whole number from 1 to 32",
  },
  productionDbClass: {
    valid: "db.r7g.large",
    // 10 instances x (2 x 3 x 4 + (3 + 2) x 4 + 6 + 4) = 540 connections: more than a micro holds.
    invalid: "db.t4g.micro",
    allowed: "holds 540 connections",
  },
  stagingDbClass: {
    valid: "db.t4g.small",
    invalid: "db.x1.huge",
    allowed: "data/rds-postgres17-classes.json",
  },
  productionMultiAz: {
    valid: false,
    invalid: "maybe",
    allowed: "true or false",
  },
  stagingMultiAz: {
    valid: true,
    invalid: "sometimes",
    allowed: "true or false",
  },
  productionBackupDays: {
    valid: "14",
    invalid: "0",
    allowed: "a whole number from 1 to 35",
  },
  stagingBackupDays: {
    valid: "35",
    invalid: "40",
    allowed: "a whole number from 1 to 35",
  },
  productionBackupCopyRegion: {
    valid: "us-west-2",
    invalid: "us-east-1",
    allowed: "other than production's own",
  },
  stagingBackupCopyRegion: {
    valid: "none",
    invalid: "mars-1",
    allowed: "data/aws-regions.json",
  },
  productionReadReplica: {
    valid: true,
    invalid: "often",
    allowed: "true or false",
  },
  stagingReadReplica: { valid: false, invalid: 3, allowed: "true or false" },
  cableAdapter: {
    valid: "redis",
    invalid: "kafka",
    allowed: "one of solid_cable, redis",
  },
  productionRedisNodeType: {
    valid: "cache.t4g.medium",
    invalid: "cache.x9.huge",
    allowed: "cache.t4g.micro",
    with: { cableAdapter: "redis" },
  },
  stagingRedisNodeType: {
    valid: "cache.t4g.micro",
    invalid: "redis.small",
    allowed: "cache.t4g.small",
    with: { cableAdapter: "redis" },
  },
  natGateways: {
    valid: "per-az",
    invalid: "none",
    allowed: "one of per-az-in-production, per-az, single",
  },
  ubuntuRelease: {
    valid: "22.04",
    invalid: "20.04",
    allowed: "one of 24.04, 22.04",
  },
  instanceReplacement: {
    valid: "off",
    invalid: "Tuesday 25:00",
    allowed: "off, or a weekday (mon to sun) and a time in UTC",
  },
  shellAccess: {
    valid: "bastion",
    invalid: "ssh",
    allowed: "one of ssm, bastion",
  },
  rubyVersion: { valid: "4.0.0", invalid: "3.1.6", allowed: "from 3.2.0 on" },
};
