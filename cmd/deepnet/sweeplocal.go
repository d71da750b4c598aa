package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/deepnet-go/deepnet/sweep"
)

// runHere trains the runs of p that are not done on this machine, --jobs
// at a time, each as a process "deepnet sweep task" of this binary with
// its output in DIR/logs/NAME.log, and prints a line as each one ends
// and the report at the end. An interrupt stops every run (each resumes
// from its last epoch when the same sweep runs again).
func (c *sweepCmd) runHere(ctx context.Context, d sweep.Dir, p *sweep.Plan, stdout io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("sweep: where is this deepnet? %v", err)
	}
	jobs := max(c.jobs, 1)
	workers := c.cpus
	if workers == 0 {
		workers = max(runtime.NumCPU()/jobs, 1)
	}
	pending := d.Pending(p)
	if len(pending) > 0 {
		fmt.Fprintf(stdout, "running  %d %s here, %d at a time, %d %s each; logs in %s\n",
			len(pending), plural(len(pending), "run"), jobs, workers, plural(workers, "core"), d.Logs())
	}
	var (
		mu     sync.Mutex
		failed []string
		wg     sync.WaitGroup
	)
	slots := make(chan struct{}, jobs)
loop:
	for _, r := range pending {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			break loop
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			start := time.Now()
			err := runTask(ctx, exe, d, r, workers)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed = append(failed, r.Name)
				fmt.Fprintf(stdout, "failed   run %d %s: %v: %s\n", r.Index, r.Name, err, lastLine(d.Log(r)))
				return
			}
			fmt.Fprintf(stdout, "done     run %d %s (%s)\n", r.Index, r.Name, time.Since(start).Round(time.Second))
		}()
	}
	wg.Wait()
	fmt.Fprintln(stdout)
	if err := sweep.WriteReport(stdout, d.Status(p), false); err != nil {
		return err
	}
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("interrupted; the same command goes on where the runs stopped: %w", ctx.Err())
	case len(failed) > 0:
		return fmt.Errorf("%d of %d runs failed (%s); their logs are in %s", len(failed), len(pending), strings.Join(failed, ", "), d.Logs())
	}
	return nil
}

// runTask runs "deepnet sweep task --workers W DIR INDEX" with exe, its
// output appended to the run's log; ctx's end interrupts it (SIGINT: the
// run stops after its current mini-batch).
func runTask(ctx context.Context, exe string, d sweep.Dir, r sweep.Run, workers int) error {
	log, err := os.OpenFile(d.Log(r), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	fmt.Fprintf(log, "deepnet sweep: run %d %s, %s\n", r.Index, r.Name, time.Now().Format(time.RFC3339))
	cmd := exec.CommandContext(ctx, exe, "sweep", "task", "--workers", strconv.Itoa(workers), string(d), strconv.Itoa(r.Index))
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute
	return cmd.Run()
}

// lastLine returns the last line of the file at path that is not empty
// (a failed run's error), or "".
func lastLine(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	last := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			last = s
		}
	}
	return last
}
