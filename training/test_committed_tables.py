"""committed_tables.write_table: the committed CSVs survive a run that built nothing.

Bare python3, no third-party module, so CI runs it (`.ci/run`):
    python3 -m unittest discover -s training -p 'test_*.py'
"""
import csv
import os
import tempfile
import unittest

from committed_tables import require_folder, write_table


class WriteTableTests(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "manifest.csv")

    def tearDown(self):
        self.dir.cleanup()

    def read(self):
        with open(self.path, newline="") as f:
            return list(csv.reader(f))

    def test_dict_rows_and_list_rows_write_the_same_table(self):
        write_table(self.path, ["name", "snr_db"], [{"name": "a.wav", "snr_db": 0}], "t")
        as_dicts = self.read()
        write_table(self.path, ["name", "snr_db"], [["a.wav", 0]], "t")
        self.assertEqual(self.read(), as_dicts)
        self.assertEqual(as_dicts, [["name", "snr_db"], ["a.wav", "0"]])

    def test_an_empty_table_leaves_the_old_file_and_no_temporary(self):
        write_table(self.path, ["name"], [["kept.wav"]], "t")
        with self.assertRaises(SystemExit) as e:
            write_table(self.path, ["name"], [], "manifest.csv")
        self.assertIn("left as it was", str(e.exception))
        self.assertEqual(self.read(), [["name"], ["kept.wav"]])
        self.assertEqual(os.listdir(self.dir.name), ["manifest.csv"])

    def test_a_failed_write_leaves_the_old_file_and_no_temporary(self):
        write_table(self.path, ["name"], [["kept.wav"]], "t")
        with self.assertRaises(ValueError):  # a row with a field the header lacks
            write_table(self.path, ["name"], [{"name": "x.wav", "extra": 1}], "t")
        self.assertEqual(self.read(), [["name"], ["kept.wav"]])
        self.assertEqual(os.listdir(self.dir.name), ["manifest.csv"])

    def test_require_folder_names_what_is_missing(self):
        require_folder(self.dir.name, "input")
        with self.assertRaises(SystemExit) as e:
            require_folder(self.path, "noise bank")
        self.assertEqual(str(e.exception), f"noise bank: {self.path} is not a folder")


if __name__ == "__main__":
    unittest.main()
