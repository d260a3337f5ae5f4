/*
 * replay.c -- run a libFuzzer target over saved inputs without libFuzzer,
 * so the normal build and test run replay every seed corpus.
 *
 *	replay_parse tests/fuzz/corpus/parse [file ...]
 *
 * Each argument is a file or a directory; a directory's files and the
 * files of its immediate subdirectories are run. Exits non-zero if no
 * input ran (an empty or missing corpus is a defect, not a pass).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	replay_path(const char *, int);

static int
replay_file(const char *path)
{
	FILE	*fp;
	uint8_t	*buf = NULL;
	size_t	 n = 0, size = 0, r;

	if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: %s: cannot open\n", path);
		return (-1);
	}
	do {
		if (n == size) {
			size = size ? size * 2 : 4096;
			if ((buf = realloc(buf, size)) == NULL) {
				fprintf(stderr, "replay: out of memory\n");
				exit(1);
			}
		}
		r = fread(buf + n, 1, size - n, fp);
		n += r;
	} while (r != 0);
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return (0);
}

static int
replay_dir(const char *path, int depth)
{
	DIR		*d;
	struct dirent	*de;
	char		 sub[4096];
	int		 n = 0, r;

	if ((d = opendir(path)) == NULL) {
		fprintf(stderr, "replay: %s: cannot open\n", path);
		return (0);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		r = snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
		if (r < 0 || (size_t)r >= sizeof sub)
			continue;
		n += replay_path(sub, depth + 1);
	}
	closedir(d);
	return (n);
}

/* Returns the number of inputs run. */
static int
replay_path(const char *path, int depth)
{
	struct stat	st;

	if (stat(path, &st) == -1) {
		fprintf(stderr, "replay: %s: not found\n", path);
		return (0);
	}
	if (S_ISDIR(st.st_mode))
		return (depth <= 1 ? replay_dir(path, depth) : 0);
	if (!S_ISREG(st.st_mode))
		return (0);
	return (replay_file(path) == 0 ? 1 : 0);
}

int
main(int argc, char **argv)
{
	int	i, n = 0;

	for (i = 1; i < argc; i++)
		n += replay_path(argv[i], 0);
	printf("replay: %d inputs\n", n);
	return (n == 0 ? 1 : 0);
}
