package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/deepnet-go/deepnet/train"
)

func runPresets(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "preset\tepochs\tbatch\tη\tλ\tdata\tbook %\tnetwork")
	for _, p := range train.Presets {
		d, book := "50k", "-"
		if p.Expanded {
			d = "250k"
		}
		if p.Book > 0 {
			book = fmt.Sprintf("%.2f", p.Book)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%g\t%g\t%s\t%s\t%s\n", p.Name, p.Epochs, p.Batch, p.Eta, p.Lambda, d, book, p.Spec)
	}
	return tw.Flush()
}
