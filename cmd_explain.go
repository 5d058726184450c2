package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"luascope/redisx"
	"luascope/redisx/classify"
)

func newExplainCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "explain-error [--json] (MESSAGE | -)",
		Short: "Classify an error message pasted from a log, a client or redis-cli",
		Example: `  luascope explain-error 'NOSCRIPT No matching script. Please use EVAL.'
  luascope explain-error "no such key script: 871600cebe4194a9ce8ce4ad94f9a0e7b7199c9a"
  kubectl logs api | grep ResponseError | luascope explain-error -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			var msg string
			switch {
			case len(args) == 1 && args[0] == "-":
				b, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), 1<<20))
				if err != nil {
					return usageErr("read stdin: %v", err)
				}
				msg = strings.TrimSpace(string(b))
			case len(args) >= 1:
				msg = strings.Join(args, " ")
			default:
				return usageErr("explain-error needs a MESSAGE, or - to read it from stdin")
			}
			if msg == "" {
				return usageErr("explain-error: the message is empty")
			}
			classes := classify.ClassifyPasted(msg)
			out := cmd.OutOrStdout()
			if asJSON {
				if len(classes) == 1 {
					return writeJSON(out, classes[0])
				}
				return writeJSON(out, classes)
			}
			for i, c := range classes {
				if i > 0 {
					fmt.Fprintln(out)
				}
				if err := redisx.WriteClassification(out, c); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the classification as JSON")
	return cmd
}
