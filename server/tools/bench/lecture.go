package main

import (
	"context"
	"fmt"
	"time"

	"wirebook/server/internal/harness"
)

// The lecture row: a class pressing Run all at once on each lesson of the
// embedded course, in order.
const (
	lectureStudents = 1000
	lectureRamp     = 5 * time.Second
	lectureSeed     = 1
	lectureLimit    = 4 * time.Minute
	lectureP99MaxMs = 250 // the target, per cell
)

// lectureResult is row 10.
type lectureResult struct {
	Instances       int      `json:"instances"` // 2 or more: behind nginx
	Students        int      `json:"students"`
	StudentsDone    int      `json:"students_who_ran_every_cell"`
	Lessons         int      `json:"lessons"`
	CellsEach       int      `json:"cells_each"`
	Answered        int      `json:"cells_answered"`
	Expected        int      `json:"cells_expected"`
	Refused         int64    `json:"refused"`
	Errors          int64    `json:"errors"`
	P50Ms           float64  `json:"per_cell_p50_ms"`
	P99Ms           float64  `json:"per_cell_p99_ms"`
	MaxMs           float64  `json:"per_cell_max_ms"`
	FirstVisitBytes int64    `json:"first_visit_bytes"`
	RSSPeakKiB      int64    `json:"server_rss_peak_kib"` // the instances' peaks, summed
	RSSPeaksKiB     []int64  `json:"server_rss_peaks_kib"`
	CPUSeconds      float64  `json:"server_cpu_seconds"` // the instances', summed
	ProxyCPUSeconds float64  `json:"nginx_cpu_seconds,omitempty"`
	ToolCPUSeconds  float64  `json:"load_tool_cpu_seconds"` // the students' side, on the same cores
	Seconds         float64  `json:"lecture_seconds"`
	Samples         []string `json:"error_samples,omitempty"`
}

// measureLecture starts a hall of instances wirebooks (two or more behind
// nginx, nginxBin) and has a class of students run every cell of the app
// lesson through it (harness.Lecture), sampling each server's memory and
// reading its CPU time.
func measureLecture(ctx context.Context, bin, nginxBin string, instances, students int) (lectureResult, error) {
	lessons, err := harness.CourseLectures("")
	if err != nil {
		return lectureResult{}, err
	}
	hall, err := harness.OpenHall(ctx, bin, nginxBin, instances)
	if err != nil {
		return lectureResult{}, err
	}
	defer hall.Close()
	r, u := hall.Lecture(ctx, harness.LectureConfig{Students: students, Ramp: lectureRamp, Seed: lectureSeed,
		Lessons: lessons, Limit: lectureLimit})
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return lectureResult{
		Instances: instances, Students: students, StudentsDone: r.Students, Lessons: len(lessons), CellsEach: r.Expected / max(1, students), Answered: r.Completed, Expected: r.Expected,
		Refused: r.Refused, Errors: r.Errors, P50Ms: ms(r.P50), P99Ms: ms(r.P99), MaxMs: ms(r.Max),
		FirstVisitBytes: r.FirstVisitBytes, RSSPeakKiB: u.TotalRSSPeakKiB(), RSSPeaksKiB: u.RSSPeakKiB, CPUSeconds: u.TotalCPUSeconds(),
		ProxyCPUSeconds: u.ProxyCPUSeconds, ToolCPUSeconds: u.ToolCPUSeconds,
		Seconds: r.Took.Seconds(), Samples: r.Samples,
	}, nil
}

func (l *lectureResult) value() string {
	return fmt.Sprintf("%d of %d cells answered, %d refused, %d errors", l.Answered, l.Expected, l.Refused, l.Errors)
}
