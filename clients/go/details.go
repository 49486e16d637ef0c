package amslifecycle

import (
	"fmt"
	"regexp"
	"strings"
)

// The Web UI's summary and details of a run, written as workflows/details.ts writes
// them, so a run started from Go looks like one started from TypeScript.

var (
	markdownSpecial = regexp.MustCompile("[\\\\`*_\\[\\]<>|#~!]")
	lineBreaks      = regexp.MustCompile(`[\r\n]+`)
	backtickRuns    = regexp.MustCompile("`+")
)

func markdownText(value string) string {
	return lineBreaks.ReplaceAllString(markdownSpecial.ReplaceAllString(value, `\$0`), " ")
}

// markdownCode: a fence longer than any backtick run inside, so nothing breaks out.
func markdownCode(value string) string {
	longest := 0
	for _, run := range backtickRuns.FindAllString(value, -1) {
		longest = max(longest, len(run))
	}
	fence := strings.Repeat("`", longest+1)
	padded := value
	if longest > 0 || strings.HasPrefix(value, " ") {
		padded = " " + value + " "
	}
	return fence + lineBreaks.ReplaceAllString(strings.ReplaceAll(padded, "|", `\|`), " ") + fence
}

func staticSummary(clusterID, displayName string) string {
	if displayName == "" {
		return fmt.Sprintf("Cluster %s: deletion of its AMS subscription", clusterID)
	}
	return fmt.Sprintf("Cluster '%s' (%s) ↔ AMS subscription", markdownText(displayName), clusterID)
}

func staticDetails(clusterID, accountUsername string) string {
	by := ""
	if accountUsername != "" {
		by = ", registered by " + markdownText(accountUsername)
	}
	return strings.Join([]string{
		fmt.Sprintf("Assisted Installer cluster %s%s.", markdownCode(clusterID), by),
		"",
		"Current details show desired vs applied AMS values; the `clusterState` query returns the full state.",
	}, "\n")
}
