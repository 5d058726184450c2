package classify

import "sync"

// Pages of the Redis documentation each class comes from, so an
// explanation can be checked at its source.
const (
	docEval      = "https://redis.io/docs/latest/develop/programmability/eval-intro/"
	docLuaAPI    = "https://redis.io/docs/latest/develop/programmability/lua-api/"
	docScriptCmd = "https://redis.io/docs/latest/commands/script-kill/"
	docOOM       = "https://redis.io/docs/latest/develop/reference/eviction/"
	docRepl      = "https://redis.io/docs/latest/operate/oss_and_stack/management/replication/"
	docACL       = "https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/"
	docCluster   = "https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/"
	docFlags     = "https://redis.io/docs/latest/develop/programmability/lua-api/#script-flags"
	docEvalCmd   = "https://redis.io/docs/latest/commands/eval/"
	docClients   = "https://redis.io/docs/latest/develop/clients/"
	docPersist   = "https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/"
)

var docs = sync.OnceValue(func() map[Class][]string {
	return map[Class][]string{
		NoScript:    {docEval + "#script-cache", "https://redis.io/docs/latest/commands/evalsha/"},
		Compile:     {docEval, docLuaAPI},
		Runtime:     {docLuaAPI + "#runtime-globals", docEval},
		Command:     {docLuaAPI + "#redis.call", docLuaAPI + "#redis.pcall"},
		Script:      {docLuaAPI + "#redis.error_reply", docLuaAPI + "#lua-to-resp2-type-conversion"},
		Busy:        {docEval + "#script-execution-timeout", docScriptCmd},
		Killed:      {docScriptCmd},
		Unkillable:  {docScriptCmd, "https://redis.io/docs/latest/commands/shutdown/"},
		OOM:         {docOOM, docFlags},
		ReadOnly:    {docRepl + "#read-only-replica", docFlags},
		WriteDenied: {docFlags, "https://redis.io/docs/latest/commands/eval_ro/"},
		NoPerm:      {docACL},
		Auth:        {docACL, "https://redis.io/docs/latest/commands/auth/"},
		CrossSlot:   {docCluster + "#hash-tags", docEval + "#script-parameterization"},
		Moved:       {docCluster + "#moved-redirection"},
		Ask:         {docCluster + "#ask-redirection"},
		TryAgain:    {docCluster + "#multi-keys-operations"},
		ClusterDown: {docCluster + "#availability"},
		MasterDown:  {docRepl},
		Loading:     {docPersist},
		Arguments:   {docEvalCmd},
		Timeout:     {docClients, docEval + "#script-execution-timeout"},
		Connection:  {docClients},
		Unknown:     {docLuaAPI},
	}
})

// Docs returns the documentation pages the class's explanation rests on.
func (c Class) Docs() []string { return docs()[c] }
