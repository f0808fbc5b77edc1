import { writeFileSync } from 'node:fs';
import { generateDirectory, toLdif } from '@herald/testing';

/**
 * Writes a generated directory as LDIF, suffix entry first, for slapadd (deploy/ci/start-bigldap.sh). The suffix
 * entry's description names the size, so the script can tell whether a running server already holds it.
 * Usage: node dist/test/bench/generate-directory.js <users> <groups> <out.ldif>
 */
export const BIG = { suffix: 'dc=bigcorp,dc=test', prefix: 'bc-', depth: 5, regions: 8, teamsPerRegion: 5, password: 'herald' };

export function bigDirectory(users: number, groups: number) {
  return generateDirectory({ base: BIG.suffix, prefix: BIG.prefix, users, groups, depth: BIG.depth, regions: BIG.regions, teamsPerRegion: BIG.teamsPerRegion, password: BIG.password });
}

if (require.main === module) {
  const [users, groups, out] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
  if (!users || !groups || !out) throw new Error('usage: generate-directory.js <users> <groups> <out.ldif>');
  const dir = bigDirectory(users, groups);
  const head = `dn: ${BIG.suffix}\nobjectClass: dcObject\nobjectClass: organization\ndc: bigcorp\no: BigCorp\ndescription: ${users} users, ${groups} groups\n\n`;
  writeFileSync(out, head + toLdif(dir));
  process.stdout.write(`${dir.entries.length + 1} entries → ${out}\n`);
}
