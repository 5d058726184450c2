package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"luascope/redisx"
)

type keyslotJSON struct {
	Key  redisx.Arg  `json:"key"`
	Slot int         `json:"slot"`
	Tag  *redisx.Arg `json:"tag,omitempty"`
}

func newKeyslotCmd() *cobra.Command {
	var asJSON, escapes bool
	cmd := &cobra.Command{
		Use:   "keyslot [--json] [--escapes] KEY ...",
		Short: "Print the cluster hash slot of each key (hash tags honoured), without a server",
		Long: `Print "SLOT KEY" for each key: the Redis Cluster hash slot, computed locally
(CRC16 of the key, or of its {hash tag}). Keys a script touches must share a
slot. With --escapes, \xNN, \n, \t, \\ and \u{HEX} in a key are read as bytes.
A key that starts with - goes after --.`,
		Example: `  luascope keyslot user:1 '{user:1}:followers'
  luascope keyslot --escapes 'bin\x00key'
  luascope keyslot --json a b | jq '.[].slot'`,
		RunE: func(cmd *cobra.Command, keys []string) error {
			if len(keys) == 0 {
				return usageErr("keyslot needs at least one KEY")
			}
			if escapes {
				for i, k := range keys {
					u, err := redisx.Unescape(k)
					if err != nil {
						return usageErr("key %d (%s): %v", i+1, k, err)
					}
					keys[i] = u
				}
			}
			out := cmd.OutOrStdout()
			if asJSON {
				doc := make([]keyslotJSON, len(keys))
				for i, k := range keys {
					doc[i] = keyslotJSON{Key: redisx.Arg(k), Slot: redisx.KeySlot(k)}
					if tag, ok := redisx.HashTag(k); ok {
						a := redisx.Arg(tag)
						doc[i].Tag = &a
					}
				}
				return writeJSON(out, doc)
			}
			var b strings.Builder
			for _, k := range keys {
				shown := esc(k)
				if shown == "" {
					shown = `""`
				}
				fmt.Fprintf(&b, "%d %s\n", redisx.KeySlot(k), shown)
			}
			_, err := io.WriteString(out, b.String())
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, `print [{"key","slot","tag"}] as JSON (a non-UTF-8 key as {"hex":…})`)
	cmd.Flags().BoolVar(&escapes, "escapes", false, `read \xNN and the other escapes in keys as bytes`)
	return cmd
}
