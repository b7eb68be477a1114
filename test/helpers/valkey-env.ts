// Setup of the 'valkey' test project: the lab's integration tests again, every lab started
// from Valkey's binaries (the variables a user would set). The config includes the project
// only where the binaries exist (valkey-binaries.mjs), so they are there.
import { valkeyBinaries } from './valkey-binaries'

const found = valkeyBinaries()
if (!found) throw new Error('the valkey project runs only where valkey-server and valkey-sentinel are found')
process.env.SENTINEL_LAB_REDIS_SERVER = found.server
process.env.SENTINEL_LAB_REDIS_SENTINEL = found.sentinel
