// Package sweep runs many trainings as one: a settings file (File, JSON)
// expands into runs (Plan: settings × grid × seeds, each an ordinary
// deepnet train command line), a sweep directory (Dir) holds the plan,
// every run's model file, metrics, checkpoint and log, and the report
// (Status, Summarize, WriteReport) gives, for each setting, the mean and
// spread over seeds of the validation and test accuracies of the epoch
// each run selected on validation, as deepnet train reports them.
//
// The runs go wherever trainings can: a few at a time on one machine
// (deepnet sweep --jobs N), as a Slurm array job (SlurmScript: task i
// trains run i) or as a Kubernetes Indexed Job (KubeJob: the pod of
// completion index i trains run i). Every run trains with --checkpoint
// in the sweep directory, and "deepnet sweep task DIR i", what each task
// executes, resumes run i from its checkpoint when it has one, so a task
// that was preempted, requeued or restarted goes on from its last epoch;
// a run whose model exists is done and is not trained again.
//
// Invariants: the plan is a function of the settings file alone (runs in
// a fixed order, file names from the settings), so the same file makes
// the same plan on every machine; a sweep directory holds one plan
// (WritePlan refuses another); the package runs nothing itself.
package sweep
