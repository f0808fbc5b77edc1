/** A person in the directory. `id` is the account name users log in with (uid / sAMAccountName). */
export interface DirectoryUser {
  id: string;
  dn: string;
  displayName: string;
  mail?: string;
  department?: string;
  location?: string;
  /** DN of their manager (the `manager` attribute, or what LDAP_MANAGER_ATTR names). */
  manager?: string;
  /** Phone number to reach them (the `telephoneNumber` attribute, or what LDAP_PHONE_ATTR names), as stored. */
  phone?: string;
}

export interface DirectoryGroup {
  name: string;
  dn: string;
}

/** A group with its direct members' DNs (users or groups), as stored. */
export interface DirectoryGroupEntry extends DirectoryGroup {
  members: string[];
}

/** An organisational unit; its users are the entries below its DN. */
export interface DirectoryOu {
  name: string;
  dn: string;
}

/** A computer object (AD `computer`, OpenLDAP `device`): named by its cn, its DNS host name (AD `dNSHostName`) or DN. */
export interface DirectoryComputer {
  name: string;
  dn: string;
  dnsHostName?: string;
}

/** Everything a snapshot needs, read in one pass (paged). Disabled accounts are not in `users`. */
export interface DirectoryExport {
  users: DirectoryUser[];
  groups: DirectoryGroupEntry[];
  ous: DirectoryOu[];
  computers: DirectoryComputer[];
  /** High-water mark of the change attribute (modifyTimestamp / whenChanged / uSNChanged) seen; '' if none. */
  marker: string;
}

/** Entries changed since a marker. `disabled` lists DNs of users changed into a disabled state (they must go). */
export interface DirectoryChanges extends DirectoryExport {
  disabled: string[];
}

/**
 * The directory port: where users, groups and passwords live. Adapters: OpenLDAP/Active Directory over LDAP
 * (production) and an LDIF file loaded in memory (single-node demo). Both pass the same contract tests.
 */
export interface DirectorySource {
  /** Verifies a password by binding as the user. Null for unknown users, wrong or empty passwords. */
  authenticate(username: string, password: string): Promise<DirectoryUser | null>;
  findUsers(ids: string[]): Promise<DirectoryUser[]>;
  findGroups(names: string[]): Promise<DirectoryGroup[]>;
  /** Computers whose cn or DNS host name is one of `names` (values escaped: a name never widens the filter). */
  findComputers(names: string[]): Promise<DirectoryComputer[]>;
  /** Every user of a group, through nested groups, each once; safe against membership cycles. */
  groupMembers(group: DirectoryGroup): Promise<DirectoryUser[]>;
  /** Every group a user belongs to, directly or through nesting. */
  userGroups(user: DirectoryUser): Promise<DirectoryGroup[]>;
  /** Every enabled user, every group with its direct members, every OU and computer: the directory service's snapshot source. */
  exportAll(): Promise<DirectoryExport>;
  /**
   * Users, groups and OUs created or modified since `marker` (from a previous export or change set). Deletions are
   * not visible this way (neither OpenLDAP nor AD without tombstone access shows them): full syncs remove them.
   */
  changesSince(marker: string): Promise<DirectoryChanges>;
  /** Enabled users matching a raw LDAP filter (validated and re-serialised by the caller, see parseUserFilter). */
  usersMatching(filter: string): Promise<DirectoryUser[]>;
  close(): Promise<void>;
}

/** Thrown when the directory cannot be reached or refuses the service account. */
export class DirectoryUnavailableError extends Error {}
